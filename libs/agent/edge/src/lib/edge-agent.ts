import {
  AgentPlatform,
  decryptTunnelCredentials,
  openChiselTunnel,
  type ChiselTunnel,
  type EdgeKey,
  type EdgeMetaFields,
  type EdgeStatusResponse,
} from '@capstan/contracts-agent';
import type { AgentLogger } from '@capstan/agent-api';
import { EdgeJobs, sendJobLog, type EdgeJobRunner } from './edge-jobs';
import { EdgeServerClient, refusalText } from './server-client';

export interface EdgeAgentOptions {
  readonly key: EdgeKey;
  /** EDGE_ID: the poll credential and the key of the tunnel credentials. */
  readonly edgeId: string;
  /** The agent API the tunnel leads to (advertise address and AGENT_PORT). */
  readonly api: { host: string; port: number };
  readonly platform: AgentPlatform;
  /** EDGE_INACTIVITY_TIMEOUT: the tunnel closes after this long without a call. */
  readonly inactivityMs: number;
  /** EDGE_INSECURE_POLL: do not verify the server's certificate (mTLS is then not used either). */
  readonly insecurePoll: boolean;
  /** MTLS_SSL_CERT/KEY/CA: files for mutual TLS towards the server. */
  readonly mtls?: { cert: string; key: string; ca?: string };
  /** Where the per-environment poll secret is kept (0600). */
  readonly dataPath: string;
  readonly log: AgentLogger;
  /** The first poll's delay (Portainer: 5 s). */
  readonly firstPollMs?: number;
  /** EDGE_GROUPS, PORTAINER_TAGS, PORTAINER_GROUP: what a global key's agent asks to be placed in. */
  readonly meta?: EdgeMetaFields;
  /**
   * On Swarm, only the leader polls and deploys (§5.5): asked before every poll; a node that is not (or no longer)
   * the leader closes its tunnel and waits. Absent: always active (standalone engine).
   */
  readonly isActive?: () => Promise<boolean>;
  /** Told of every poll answer after the tunnel is handled (edge stacks, edge jobs); must not block. */
  readonly onAnswer?: readonly ((answer: EdgeStatusResponse) => void)[];
  /** Edge jobs: HOST_ROOT (cron.d and scripts are written under it) and who runs them (EDGE_JOB_RUNNER). */
  readonly jobs?: { root: string; runner: EdgeJobRunner };
}

/** An authenticated call to the server as this edge agent (its headers, TLS and secret); JSON body. */
export type EdgeServerCall = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: string }>;

/**
 * The edge agent's manager (agent protocol §5.5–5.6): polls the server at its `checkin` interval (a random extra
 * delay after a failure), caches answers by ETag, opens the chisel tunnel when the answer says REQUIRED and closes
 * it on IDLE or after `inactivityMs` without a call to the agent API. With a global key (endpoint id 0) it first
 * resolves its environment through `POST /api/endpoints/global-key`, and again after any refusal.
 */
export class EdgeAgent {
  private intervalMs = 5_000;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly cache = new Map<string, EdgeStatusResponse>();
  private lastEtag?: string;
  private tunnel?: ChiselTunnel;
  private opening = false;
  private lastActivity = Date.now();
  private inactivityTimer?: NodeJS.Timeout;
  private endpointId: number;
  private readonly client: EdgeServerClient;
  private readonly jobs?: EdgeJobs;

  constructor(private readonly o: EdgeAgentOptions) {
    this.endpointId = o.key.endpointId;
    this.client = new EdgeServerClient(o);
    if (o.jobs)
      this.jobs = new EdgeJobs({
        ...o.jobs,
        log: o.log,
        upload: (jobId, content) => this.uploadJobLog(jobId, content),
      });
  }

  async start(): Promise<void> {
    await this.client.loadSecret();
    this.schedule(this.o.firstPollMs ?? 5_000);
    const check = Math.max(50, Math.min(30_000, Math.floor(this.o.inactivityMs / 3)));
    this.inactivityTimer = setInterval(() => this.closeIfInactive(), check);
  }

  /** A call reached the agent API (through the tunnel). */
  activity(): void {
    this.lastActivity = Date.now();
  }

  get tunnelOpen(): boolean {
    return this.tunnel !== undefined;
  }

  /** A call to the server with this agent's headers (edge stack payloads and statuses, job logs). */
  readonly call: EdgeServerCall = (method, path, body) =>
    this.client.request(
      method,
      path,
      body === undefined
        ? {}
        : { body: Buffer.from(JSON.stringify(body)), headers: { 'Content-Type': 'application/json' } },
    );

  /** The environment id in use (a global key's, once resolved). */
  get environmentId(): number {
    return this.endpointId;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.inactivityTimer);
    this.tunnel?.close();
    this.jobs?.stop();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.cycle(), ms);
  }

  private async cycle(): Promise<void> {
    let delay = this.intervalMs;
    try {
      if (this.o.isActive && !(await this.o.isActive())) {
        // Not the Swarm leader (any more): another node's agent polls; re-checked every 5 s (§5.5).
        this.closeTunnel('this node is not the Swarm leader');
        this.schedule(5_000);
        return;
      }
      if (this.endpointId === 0) await this.resolveGlobalKey();
      const answer = await this.poll();
      if (answer.checkin > 0) this.intervalMs = Math.round(answer.checkin * 1000);
      delay = this.intervalMs;
      await this.manageTunnel(answer);
      // A job that cannot be installed is the job's problem, not the poll's (no back-off for it).
      await this.jobs
        ?.apply(answer.schedules)
        .catch((e: unknown) => this.o.log.warn(`edge jobs not installed: ${(e as Error).message}`));
      for (const handler of this.o.onAnswer ?? []) handler(answer);
    } catch (e) {
      // After a failure, an extra random delay in [0, interval): agents cut off together do not return together.
      delay = this.intervalMs + Math.floor(Math.random() * this.intervalMs);
      this.o.log.warn(`edge poll failed: ${(e as Error).message}`);
    }
    this.schedule(delay);
  }

  private uploadJobLog(jobId: number, content: string): Promise<void> {
    return sendJobLog(this.client, this.endpointId, jobId, content);
  }

  /** §5.5 step 1: a global key's agent learns its environment id (the server onboards it when new). */
  private async resolveGlobalKey(): Promise<void> {
    const body = Buffer.from(JSON.stringify(this.o.meta ?? {}));
    const r = await this.client.request('POST', '/api/endpoints/global-key', {
      body,
      headers: { 'Content-Type': 'application/json' },
    });
    if (r.status !== 200) throw new Error(`global key: ${refusalText(r)}`);
    const id = (JSON.parse(r.body) as { endpointID?: unknown }).endpointID;
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0)
      throw new Error('global key: the server answered no environment id');
    this.endpointId = id;
    this.o.log.info(`global key: this agent is environment ${id}`);
  }

  private async poll(): Promise<EdgeStatusResponse> {
    const r = await this.client.request('GET', `/api/endpoints/${this.endpointId}/edge/status`, {
      headers: this.cache.size > 0 ? { 'If-None-Match': [...this.cache.keys()].join(',') } : {},
      timeoutMs: Math.max(30_000, this.intervalMs),
    });
    // A 304 names the cached answer it means: an earlier one when the state went back to it (a job deleted
    // leaves the answer it had before the job), so its ETag, not the last one, picks the body.
    const matched = r.status === 304 && r.etag && this.cache.has(r.etag) ? r.etag : this.lastEtag;
    if (r.status === 304 && matched && this.cache.has(matched)) {
      this.lastEtag = matched;
      return this.cache.get(matched) as EdgeStatusResponse;
    }
    if (r.status !== 200) {
      // A refused global-key agent looks its environment up again (it may have been rejected and re-created).
      if (this.o.key.endpointId === 0) this.endpointId = 0;
      throw new Error(refusalText(r));
    }
    const body = JSON.parse(r.body) as EdgeStatusResponse;
    if (r.etag) {
      this.lastEtag = r.etag;
      if (this.cache.size >= 8) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(r.etag, body);
    }
    return body;
  }

  private async manageTunnel(answer: EdgeStatusResponse): Promise<void> {
    if (answer.status === 'IDLE') {
      this.closeTunnel('the server answered IDLE');
      return;
    }
    if (answer.status !== 'REQUIRED' || this.tunnel || this.opening) return;
    const [user, password] = decryptTunnelCredentials(this.o.edgeId, answer.credentials).split(':');
    if (!user || !password) throw new Error('malformed tunnel credentials');
    this.opening = true;
    try {
      const tunnel = await openChiselTunnel({
        url: `ws://${this.o.key.tunnelAddr}`,
        fingerprint: this.o.key.fingerprint,
        user,
        password,
        port: answer.port,
        target: this.o.api,
        onConnection: () => this.activity(),
      });
      this.tunnel = tunnel;
      this.activity();
      this.o.log.info(`edge tunnel open (remote port ${answer.port})`);
      void tunnel.closed.then(() => {
        if (this.tunnel === tunnel) this.tunnel = undefined;
        this.o.log.info('edge tunnel closed');
      });
    } finally {
      this.opening = false;
    }
  }

  private closeTunnel(reason: string): void {
    if (!this.tunnel) return;
    this.o.log.info(`edge tunnel: ${reason}, closing`);
    this.tunnel.close();
    this.tunnel = undefined;
  }

  private closeIfInactive(): void {
    if (this.tunnel && Date.now() - this.lastActivity > this.o.inactivityMs) this.closeTunnel('inactive');
  }
}
