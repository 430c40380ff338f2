import { BadRequestError, PayloadTooLargeError } from '@capstan/server-core';

/** Why a git operation failed, as far as git's own message tells. */
export type GitFailure =
  | 'invalid-url'
  | 'unreachable'
  | 'tls'
  | 'authentication'
  | 'reference'
  | 'file'
  | 'path'
  | 'timeout'
  | 'git';

/** A git operation the caller's input made fail: 400 with git's reason (credentials never in it). */
export class GitError extends BadRequestError {
  constructor(
    readonly failure: GitFailure,
    message: string,
    details = '',
  ) {
    super(message, details);
  }
}

/** A file in the repository larger than the limit the caller set. */
export class GitFileTooLargeError extends PayloadTooLargeError {}
