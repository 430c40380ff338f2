export * from './server-harness';
export * from './engine-socket';
