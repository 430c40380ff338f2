export * from './lib/git-client';
export * from './lib/git.errors';
export { GitModule } from './lib/git.module';
export { GitService, type GitFileAt, type SealedGitCredentials } from './lib/git.service';
