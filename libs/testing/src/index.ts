export * from './server-harness';
export * from './engine-socket';
export * from './oidc-provider';
export * from './git-http-server';
