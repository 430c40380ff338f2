import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import { WebSocketServer } from 'ws';
import { Command, QueryValue, WebSocketRoutes, type WebSocketEntry } from '@capstan/server-core';
import { DeployProgress } from './deploy-progress';
import { StacksService } from './stacks.service';

/** `?stackId=` of the deploy progress route. */
export class StackDeployCommand extends Command {
  static override readonly invalidMessage: string = 'Invalid query parameters';

  @Transform(QueryValue.positiveInt)
  @IsInt({ message: 'stackId must be a positive integer' })
  @Min(1, { message: 'stackId must be a positive integer' })
  stackId!: number;
}

/**
 * `GET /api/websocket/stack-deploy?stackId=` (WebSocket, core's route table): the lines of the stack's running
 * deploy as text messages — those already written first — then `{"done": true}` and a close. Without a running
 * deploy: the last deploy's log, then done. Read access to the stack is enough; nothing changes, so not audited.
 */
@Injectable()
export class DeployStream implements OnModuleInit {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  constructor(
    private readonly routes: WebSocketRoutes,
    private readonly stacks: StacksService,
    private readonly progress: DeployProgress,
  ) {}

  onModuleInit(): void {
    this.routes.register({
      path: '/api/websocket/stack-deploy',
      command: StackDeployCommand,
      open: (entry) => this.open(entry),
    });
  }

  private async open({
    user,
    command,
    req,
    socket,
    head,
  }: WebSocketEntry<StackDeployCommand>): Promise<void> {
    const stackId = await this.stacks.watch(user, command.stackId);
    const snapshot = await this.stacks.deployLog(user, stackId);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const done = () => {
        if (ws.readyState === ws.OPEN) {
          ws.send(JSON.stringify({ done: true }));
          ws.close(1000);
        }
      };
      for (const line of snapshot.Log.split('\n').filter(Boolean)) ws.send(line);
      if (!snapshot.Running || this.progress.current(stackId) === undefined) return done();
      const unsubscribe = this.progress.subscribe(stackId, (e) => {
        if (e.line !== undefined && ws.readyState === ws.OPEN) ws.send(e.line);
        if (e.done) {
          unsubscribe();
          done();
        }
      });
      ws.on('close', unsubscribe).on('error', unsubscribe);
    });
  }
}
