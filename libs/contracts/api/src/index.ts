export * from './lib/permissions';
export * from './lib/api-types';
