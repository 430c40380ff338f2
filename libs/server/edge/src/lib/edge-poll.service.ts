import { randomBytes } from 'node:crypto';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { etagMatches, fnv1a32Hex, type EdgeStatusResponse } from '@capstan/contracts-agent';
import { ClockPort, CapstanLogger } from '@capstan/server-core';
import { EnvironmentsService, type EdgeEnvironmentState } from '@capstan/server-environments';
import { SettingsService } from '@capstan/server-settings';
import { CheckIns } from './check-ins';
import { EdgeTunnelService } from './edge-tunnel.service';
import { EdgeModes } from './edge-modes';
import type { EdgePollCommand } from './edge-poll.command';
import { EdgePollContributors } from './edge-poll-contributors';
import { edgeRefused as refused, edgeSecretOk, sha256Hex } from './edge-credentials';

/** The poll's answer: 304 (nothing changed for this agent) or 200 with the body and its ETag. */
export type PollAnswer =
  | { readonly status: 304; readonly etag: string }
  | {
      readonly status: 200;
      readonly etag: string;
      readonly body: EdgeStatusResponse;
      readonly secret?: string;
    };

/** The last answer per environment, and who it was for (the fast path must check the same things). */
interface CachedAnswer {
  readonly etag: string;
  readonly body: EdgeStatusResponse;
  readonly edgeId: string;
  readonly secretHash: string | null;
}

const FLUSH_MS = 5_000;

/**
 * `GET /api/endpoints/{id}/edge/status` (Portainer's `endpointedge_status_inspect.go`), with Capstan's fixes:
 * - an unchanged answer (ETag listed in If-None-Match, same agent) is a 304 from memory: no database read or
 *   write; check-ins are kept in memory and flushed in batches;
 * - the first poll binds the edge id; another edge id later is refused; untrusted environments (waiting room)
 *   are refused until an administrator trusts them;
 * - an agent may ask for a per-environment secret (`X-Capstan-Edge-Secret: ?`) at its first trusted poll; once
 *   given, every poll must carry it, so a leaked edge id alone cannot take the device over. Portainer agents never
 *   ask and keep working with the edge id alone.
 */
@Injectable()
export class EdgePollService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly answers = new Map<number, CachedAnswer>();
  private readonly checkIns: CheckIns;

  constructor(
    private readonly environments: EnvironmentsService,
    private readonly settings: SettingsService,
    private readonly tunnels: EdgeTunnelService,
    private readonly modes: EdgeModes,
    private readonly contributors: EdgePollContributors,
    private readonly clock: ClockPort,
    private readonly logger: CapstanLogger,
  ) {
    this.checkIns = new CheckIns(
      (times) => this.environments.recordCheckIns(times),
      (e) => this.logger.write('warn', 'edge check-ins not saved', { error: String(e) }),
    );
  }

  onApplicationBootstrap(): void {
    this.checkIns.start(FLUSH_MS);
    this.tunnels.onChange((id) => this.answers.delete(id));
    this.settings.onChange(() => this.answers.clear());
    this.contributors.onChanged((ids) => {
      if (ids === undefined) this.answers.clear();
      else for (const id of ids) this.answers.delete(id);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checkIns.stop();
  }

  /** Anything that changes an environment's answer (trust, interval, edge id) drops its cached one. */
  forget(environmentId: number): void {
    this.answers.delete(environmentId);
  }

  lastCheckIn(environmentId: number): number | undefined {
    return this.checkIns.last(environmentId);
  }

  async poll(cmd: EdgePollCommand): Promise<PollAnswer> {
    const cached = this.answers.get(cmd.endpointId);
    if (
      cached &&
      cached.edgeId === cmd.edgeId &&
      this.secretOk(cached.secretHash, cmd.secret) &&
      etagMatches(cmd.ifNoneMatch, cached.etag)
    ) {
      this.checkIns.mark(cmd.endpointId, this.clock.now());
      return { status: 304, etag: cached.etag };
    }
    const env = await this.environments.edgeState(cmd.endpointId);
    if (!env) throw refused('No edge environment with this id');
    const { secretHash, secret } = await this.admit(env, cmd);
    // An agent polling in standard mode is no longer async (it was restarted without EDGE_ASYNC).
    if (env.asyncMode) await this.modes.set(env.id, false);
    const body = await this.answer(env, cmd.edgeId);
    const etag = fnv1a32Hex(JSON.stringify(body));
    this.answers.set(env.id, { etag, body, edgeId: cmd.edgeId, secretHash });
    if (!secret && etagMatches(cmd.ifNoneMatch, etag)) return { status: 304, etag };
    return { status: 200, etag, body, ...(secret ? { secret } : {}) };
  }

  /**
   * The checks every edge agent request passes (poll and async): the edge id bound to the environment (the first
   * request binds it), trust (the waiting room), Capstan's per-environment secret (issued when asked for). Marks
   * the check-in.
   */
  async admit(
    env: EdgeEnvironmentState,
    cmd: { edgeId: string; secret?: string },
  ): Promise<{ secretHash: string | null; secret?: string }> {
    if (env.edgeId !== null && env.edgeId !== cmd.edgeId)
      throw refused('The environment is associated with another edge agent');
    if (!env.userTrusted) throw refused('The edge environment is not trusted yet (waiting room)');
    if (env.edgeId === null && !(await this.environments.bindEdgeId(env.id, cmd.edgeId)))
      throw refused('The environment is associated with another edge agent');
    const admitted = await this.secretFor(env, cmd.secret);
    this.checkIns.mark(env.id, this.clock.now());
    return admitted;
  }

  private secretOk(hash: string | null, given: string | undefined): boolean {
    return edgeSecretOk(hash, given);
  }

  /** Checks the agent's secret; issues one when a trusted agent without one asks for it. */
  private async secretFor(
    env: EdgeEnvironmentState,
    given: string | undefined,
  ): Promise<{ secretHash: string | null; secret?: string }> {
    if (env.secretHash !== null) {
      if (!this.secretOk(env.secretHash, given)) throw refused('The edge secret is missing or wrong');
      return { secretHash: env.secretHash };
    }
    if (given !== '?') {
      if (given !== undefined) throw refused('The edge secret is missing or wrong');
      return { secretHash: null };
    }
    const secret = randomBytes(32).toString('base64url');
    const hash = sha256Hex(secret);
    if (!(await this.environments.setEdgeSecretHash(env.id, hash)))
      throw refused('An edge secret was already given for this environment');
    return { secretHash: hash, secret };
  }

  private async answer(env: EdgeEnvironmentState, edgeId: string): Promise<EdgeStatusResponse> {
    const tunnel = this.tunnels.state(env.id, edgeId);
    const checkin =
      env.checkinInterval > 0 ? env.checkinInterval : (await this.settings.get()).EdgeAgentCheckinInterval;
    const { stacks, schedules } = await this.contributors.collect(env.id);
    return {
      status: tunnel.status,
      port: tunnel.port,
      credentials: tunnel.credentials,
      checkin: checkin > 0 ? checkin : 5,
      schedules,
      stacks,
    };
  }
}
