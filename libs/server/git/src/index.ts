export * from './lib/git-client';
export * from './lib/git.errors';
export { GitModule } from './lib/git.module';
export { GitService, type GitCheckout, type GitFileAt, type SealedGitCredentials } from './lib/git.service';
export * from './lib/auto-update';
export * from './lib/git-webhook.command';
export * from './lib/git-config';
