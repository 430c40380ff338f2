export * from './lib/git-client';
export * from './lib/git.errors';
