export * from './lib/headers';
