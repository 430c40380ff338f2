import { Transform } from 'class-transformer';
import { IsInt, Matches, Min } from 'class-validator';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UserRole } from '@capstan/contracts-api';
import type { CapstanConfig } from '../config/capstan-config';
import { ForbiddenError } from '../errors';
import { requestContext, type AuthenticatedUser } from '../http/request-context';
import { CapstanLogger } from '../logging/logger';
import { AuthenticatorPort, type CallerCredentials } from '../security/authenticator.port';
import { ActivityPort, type EntryActivity } from './activity.port';
import { Command } from './command';
import { EntryPipeline } from './entry-pipeline';
import { QueryValue } from './query-values';
import { WebSocketRoutes, type WebSocketEntry } from './websocket-routes';

class TokenAuthenticator extends AuthenticatorPort {
  readonly seen: CallerCredentials[] = [];
  authenticate(req: CallerCredentials): Promise<AuthenticatedUser | undefined> {
    this.seen.push(req);
    const token = (req.query as Record<string, string>)['token'] ?? req.cookies?.['portainer_api_key'];
    if (!token) return Promise.resolve(undefined);
    return Promise.resolve({
      id: 7,
      username: 'alice',
      role: UserRole.StandardUser,
      isTeamLeader: false,
      via: req.cookies?.['portainer_api_key'] ? 'cookie' : 'query',
    });
  }
  csrfTokenFor(): string {
    return '';
  }
}

class RecordedActivity extends ActivityPort {
  readonly entries: (EntryActivity & { username?: string; requestId?: string })[] = [];
  record(activity: EntryActivity): void {
    const ctx = requestContext.getStore();
    this.entries.push({ ...activity, username: ctx?.user?.username, requestId: ctx?.requestId });
  }
}

class ShellCommand extends Command {
  static override readonly invalidMessage = 'Invalid query parameters';
  @Transform(QueryValue.positiveInt)
  @IsInt({ message: 'endpointId must be a positive integer' })
  @Min(1, { message: 'endpointId must be a positive integer' })
  endpointId!: number;
  @Matches(/^[a-z]+$/, { message: 'id must be lowercase letters' })
  id!: string;
}

/** A socket that records what the server wrote before closing it. */
class FakeSocket extends EventEmitter {
  written = '';
  ended = false;
  end(text: string): void {
    this.written += text;
    this.ended = true;
  }
  destroy(): void {
    this.ended = true;
  }
}

function setup(baseUrl = '') {
  const authenticator = new TokenAuthenticator();
  const activity = new RecordedActivity();
  const routes = new WebSocketRoutes(
    new EntryPipeline(authenticator),
    activity,
    new CapstanLogger('error', 'json'),
    { baseUrl } as CapstanConfig,
  );
  const opened: WebSocketEntry<ShellCommand>[] = [];
  let refuseWith: Error | undefined;
  routes.register({
    path: '/api/websocket/shell',
    command: ShellCommand,
    audit: { environmentOf: (c) => c.endpointId },
    open: (entry) => {
      if (refuseWith) return Promise.reject(refuseWith);
      opened.push(entry);
      return Promise.resolve();
    },
  });
  routes.register({ path: '/api/websocket/read', command: ShellCommand, open: () => Promise.resolve() });
  /** Hands an upgrade to the table and waits until it is answered or opened. */
  async function upgrade(url: string, headers: Record<string, string> = {}) {
    const socket = new FakeSocket();
    const req = { url, method: 'GET', headers: { host: 'capstan.test', ...headers } } as IncomingMessage;
    const before = opened.length;
    routes.handleUpgrade(req, socket as unknown as Duplex, Buffer.alloc(0));
    for (let i = 0; i < 50 && !socket.ended && opened.length === before; i++)
      await new Promise((r) => setImmediate(r));
    const [head = '', body = ''] = socket.written.split('\r\n\r\n');
    return {
      status: socket.written ? Number(head.split(' ')[1]) : 101,
      body: body ? (JSON.parse(body) as { message: string; details: string }) : undefined,
    };
  }
  return {
    routes,
    authenticator,
    activity,
    opened,
    upgrade,
    refuse: (e: Error) => (refuseWith = e),
  };
}

describe('WebSocketRoutes', () => {
  it('hands a valid, authenticated upgrade to its route with the parsed command and the caller', async () => {
    const t = setup();
    expect(await t.upgrade('/api/websocket/shell?endpointId=3&id=abc&token=t')).toEqual({
      status: 101,
      body: undefined,
    });
    expect(t.opened).toHaveLength(1);
    expect(t.opened[0]?.command).toBeInstanceOf(ShellCommand);
    expect(t.opened[0]?.command).toEqual({ endpointId: 3, id: 'abc' });
    expect(t.opened[0]?.user.username).toBe('alice');
    expect(t.routes.paths()).toEqual(['/api/websocket/shell', '/api/websocket/read']);
  });

  it('refuses a bad query with a 400 listing every problem, before looking at credentials', async () => {
    const t = setup();
    const r = await t.upgrade('/api/websocket/shell?endpointId=x&id=ABC');
    expect(r.status).toBe(400);
    expect(r.body?.message).toBe('Invalid query parameters');
    expect(r.body?.details).toBe('endpointId must be a positive integer; id must be lowercase letters');
    expect(t.authenticator.seen).toHaveLength(0);
    expect(t.opened).toHaveLength(0);
  });

  it('answers 401 without credentials, and 403 to a cookie session from another origin', async () => {
    const t = setup();
    expect((await t.upgrade('/api/websocket/shell?endpointId=1&id=a')).status).toBe(401);
    const cookie = { cookie: 'portainer_api_key=jwt' };
    expect(
      (
        await t.upgrade('/api/websocket/shell?endpointId=1&id=a', {
          ...cookie,
          origin: 'https://evil.example',
        })
      ).status,
    ).toBe(403);
    expect((await t.upgrade('/api/websocket/shell?endpointId=1&id=a', cookie)).status).toBe(403);
    expect(
      (
        await t.upgrade('/api/websocket/shell?endpointId=1&id=a', {
          ...cookie,
          origin: 'https://capstan.test',
        })
      ).status,
    ).toBe(101);
  });

  it('answers 404 to unknown paths, and serves under the base URL', async () => {
    const t = setup('/capstan');
    const r = await t.upgrade('/api/websocket/nothing?token=t');
    expect(r.status).toBe(404);
    expect(r.body?.message).toBe('Not found');
    expect((await t.upgrade('/capstan/api/websocket/shell?endpointId=1&id=a&token=t')).status).toBe(101);
  });

  it("maps the route's refusal to its status", async () => {
    const t = setup();
    t.refuse(new ForbiddenError('Access denied to resource', 'no console'));
    const r = await t.upgrade('/api/websocket/shell?endpointId=1&id=a&token=t');
    expect(r).toEqual({ status: 403, body: { message: 'Access denied to resource', details: 'no console' } });
  });

  it('records audited routes once, whatever the outcome, with the caller and the request id; not the others', async () => {
    const t = setup();
    await t.upgrade('/api/websocket/shell?endpointId=4&id=a&token=t', { 'x-request-id': 'req-1' });
    await t.upgrade('/api/websocket/shell?endpointId=4&id=a');
    await t.upgrade('/api/websocket/shell?id=a&token=t');
    await t.upgrade('/api/websocket/read?endpointId=4&id=a&token=t');
    expect(t.activity.entries).toEqual([
      {
        method: 'GET',
        path: '/api/websocket/shell',
        status: 101,
        environmentId: 4,
        payload: { endpointId: 4, id: 'a' },
        username: 'alice',
        requestId: 'req-1',
      },
      expect.objectContaining({ status: 401, environmentId: 4, username: undefined }),
      expect.objectContaining({ status: 400, environmentId: null, payload: undefined }),
    ]);
  });

  it('refuses to register a path twice', () => {
    const t = setup();
    expect(() =>
      t.routes.register({
        path: '/api/websocket/read',
        command: ShellCommand,
        open: () => Promise.resolve(),
      }),
    ).toThrow(/twice/);
  });
});
