export * from './lib/cluster';
export * from './lib/discovery';
export * from './lib/identity';
export * from './lib/local-node';
export * from './lib/members';
export * from './lib/merge';
export * from './lib/route';
export * from './lib/transport';
