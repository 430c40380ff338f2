import { describe, expect, it } from 'vitest';
import type { ClockPort, CapstanLogger } from '@capstan/server-core';
import type { EdgeEnvironmentState, EnvironmentsService } from '@capstan/server-environments';
import type { SettingsService } from '@capstan/server-settings';
import { EdgePollCommand } from './edge-poll.command';
import { EdgePollContributors } from './edge-poll-contributors';
import { EdgePollService } from './edge-poll.service';
import type { EdgeTunnelService, TunnelState } from './edge-tunnel.service';
import type { EdgeModes } from './edge-modes';

/** The environments port as a counting fake: every read and write is recorded. */
function fakes(initial: Partial<EdgeEnvironmentState> = {}) {
  const calls: string[] = [];
  let env: EdgeEnvironmentState = {
    id: 7,
    name: 'edge',
    edgeId: null,
    userTrusted: true,
    checkinInterval: 0,
    secretHash: null,
    lastCheckIn: 0,
    asyncMode: false,
    pingInterval: -1,
    snapshotInterval: -1,
    commandInterval: -1,
    ...initial,
  };
  const environments = {
    edgeState: (id: number) => (calls.push('read'), Promise.resolve(id === env.id ? env : undefined)),
    bindEdgeId: (_id: number, edgeId: string) => {
      calls.push('bind');
      if (env.edgeId !== null) return Promise.resolve(env.edgeId === edgeId);
      env = { ...env, edgeId };
      return Promise.resolve(true);
    },
    setEdgeSecretHash: (_id: number, hash: string) => {
      calls.push('secret');
      if (env.secretHash !== null) return Promise.resolve(false);
      env = { ...env, secretHash: hash };
      return Promise.resolve(true);
    },
    recordCheckIns: () => (calls.push('write'), Promise.resolve()),
  } as unknown as EnvironmentsService;
  let tunnel: TunnelState = { status: 'IDLE', port: 0, credentials: '' };
  const changes: ((id: number) => void)[] = [];
  const tunnels = {
    state: () => tunnel,
    onChange: (l: (id: number) => void) => changes.push(l),
  } as unknown as EdgeTunnelService;
  const settings = {
    get: () => Promise.resolve({ EdgeAgentCheckinInterval: 5 }),
    onChange: () => undefined,
  } as unknown as SettingsService;
  const clock: ClockPort = { now: () => 1_000 };
  const logger = { write: () => undefined } as unknown as CapstanLogger;
  const modes = { set: () => (calls.push('mode'), Promise.resolve()) } as unknown as EdgeModes;
  const service = new EdgePollService(
    environments,
    settings,
    tunnels,
    modes,
    new EdgePollContributors(),
    clock,
    logger,
  );
  service.onApplicationBootstrap();
  return {
    service,
    calls,
    setTunnel: (t: TunnelState) => {
      tunnel = t;
      changes.forEach((l) => l(7));
    },
    untrust: () => (env = { ...env, userTrusted: false }),
  };
}

const poll = (s: EdgePollService, edgeId: string, extra: Record<string, string> = {}) =>
  s.poll(EdgePollCommand.parse({ endpointId: '7', edgeId, ...extra }));

describe('EdgePollService', () => {
  it('answers 304 from memory for an unchanged answer: no database read or write', async () => {
    const { service, calls } = fakes();
    const first = await poll(service, 'agent-1');
    expect(first.status).toBe(200);
    calls.length = 0;
    const second = await poll(service, 'agent-1', { ifNoneMatch: `"ffffffff", ${first.etag}` });
    expect(second).toEqual({ status: 304, etag: first.etag });
    expect(calls).toEqual([]);
  });

  it('recomputes when the tunnel changes (REQUIRED with port and credentials), with a new ETag', async () => {
    const { service, setTunnel } = fakes();
    const first = await poll(service, 'agent-1');
    setTunnel({ status: 'REQUIRED', port: 50_000, credentials: 'sealed' });
    const second = await poll(service, 'agent-1', { ifNoneMatch: first.etag });
    expect(second.status).toBe(200);
    expect(second.etag).not.toBe(first.etag);
    if (second.status === 200)
      expect(second.body).toMatchObject({
        status: 'REQUIRED',
        port: 50_000,
        credentials: 'sealed',
        checkin: 5,
      });
  });

  it('binds the first edge id and refuses another, even with a valid ETag', async () => {
    const { service } = fakes();
    const first = await poll(service, 'agent-1');
    await expect(poll(service, 'agent-2', { ifNoneMatch: first.etag })).rejects.toMatchObject({
      status: 403,
    });
  });

  it('refuses untrusted (waiting room) and unknown environments', async () => {
    const { service, untrust } = fakes();
    untrust();
    await expect(poll(service, 'agent-1')).rejects.toMatchObject({ status: 403 });
    await expect(service.poll(EdgePollCommand.parse({ endpointId: '8', edgeId: 'a' }))).rejects.toMatchObject(
      { status: 403 },
    );
  });

  it('gives a secret once when asked, then requires it (also on the 304 path)', async () => {
    const { service } = fakes();
    const first = await poll(service, 'agent-1', { secret: '?' });
    expect(first.status === 200 && first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const secret = first.status === 200 ? (first.secret as string) : '';
    expect((await poll(service, 'agent-1', { secret, ifNoneMatch: first.etag })).status).toBe(304);
    await expect(poll(service, 'agent-1', { ifNoneMatch: first.etag })).rejects.toMatchObject({
      status: 403,
    });
    await expect(poll(service, 'agent-1', { secret: '?' })).rejects.toMatchObject({ status: 403 });
    await expect(poll(service, 'agent-1', { secret: 'x'.repeat(43) })).rejects.toMatchObject({ status: 403 });
  });

  it('validates the input before anything is read', () => {
    for (const bad of [
      { endpointId: '0', edgeId: 'a' },
      { endpointId: '7', edgeId: '' },
      { endpointId: '7', edgeId: 'a b' },
      { endpointId: '7', edgeId: 'a', secret: 'short' },
      { endpointId: '7', edgeId: 'a', platform: '9' },
    ])
      expect(() => EdgePollCommand.parse(bad)).toThrow();
  });
});
