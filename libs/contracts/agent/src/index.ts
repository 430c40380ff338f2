export * from './lib/headers';
export * from './lib/signature';
