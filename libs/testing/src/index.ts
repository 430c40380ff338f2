export * from './server-harness';
export * from './engine-socket';
export * from './git-http-server';
