import { IsUUID } from 'class-validator';
import { Command } from '@capstan/server-core';

/**
 * The public webhook's input (`POST /api/stacks/webhooks/{uuid}`): a self-validating command, so the unauthenticated
 * entry point checks its input like a controller body before any lookup.
 */
export class GitWebhookCommand extends Command {
  static override readonly invalidMessage = 'Invalid webhook';
  @IsUUID('all', { message: 'The webhook id must be a UUID' })
  webhookId!: string;
}
