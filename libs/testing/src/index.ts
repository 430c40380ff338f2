export * from './server-harness';
