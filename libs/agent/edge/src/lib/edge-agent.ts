import { readFileSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import {
  AGENT_HEADERS,
  AGENT_VERSION,
  AgentPlatform,
  EDGE_HEADERS,
  decryptTunnelCredentials,
  openChiselTunnel,
  type ChiselTunnel,
  type EdgeKey,
  type EdgeStatusResponse,
} from '@capstan/contracts-agent';
import type { AgentLogger } from '@capstan/agent-api';

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
  /** Told of every poll answer after the tunnel is handled (edge stacks, edge jobs); must not block. */
  readonly onAnswer?: readonly ((answer: EdgeStatusResponse) => void)[];
}

/** An authenticated call to the server as this edge agent (the poll's headers, TLS and secret). */
export interface EdgeServerCall {
  (method: string, path: string, body?: unknown): Promise<{ status: number; body: string }>;
}

const SECRET_FILE = 'agent_edge_secret';

interface PollResult {
  readonly status: number;
  readonly etag?: string;
  readonly secret?: string;
  readonly body: string;
}

/**
 * The edge agent's manager (agent protocol §5.5–5.6): polls the server at its `checkin` interval (a random extra
 * delay after a failure), caches answers by ETag, opens the chisel tunnel when the answer says REQUIRED and closes
 * it on IDLE or after `inactivityMs` without a call to the agent API.
 */
export class EdgeAgent {
  private intervalMs = 5_000;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly cache = new Map<string, EdgeStatusResponse>();
  private lastEtag?: string;
  private secret?: string;
  private tunnel?: ChiselTunnel;
  private opening = false;
  private lastActivity = Date.now();
  private inactivityTimer?: NodeJS.Timeout;

  constructor(private readonly o: EdgeAgentOptions) {}

  async start(): Promise<void> {
    this.secret =
      (await readFile(join(this.o.dataPath, SECRET_FILE), 'utf8').catch(() => '')).trim() || undefined;
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

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.inactivityTimer);
    this.tunnel?.close();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.cycle(), ms);
  }

  private async cycle(): Promise<void> {
    let delay = this.intervalMs;
    try {
      const answer = await this.poll();
      if (answer.checkin > 0) this.intervalMs = Math.round(answer.checkin * 1000);
      delay = this.intervalMs;
      await this.manageTunnel(answer);
      for (const handler of this.o.onAnswer ?? []) handler(answer);
    } catch (e) {
      // After a failure, an extra random delay in [0, interval): agents cut off together do not return together.
      delay = this.intervalMs + Math.floor(Math.random() * this.intervalMs);
      this.o.log.warn(`edge poll failed: ${(e as Error).message}`);
    }
    this.schedule(delay);
  }

  private async poll(): Promise<EdgeStatusResponse> {
    const r = await this.request(
      'GET',
      `/api/endpoints/${this.o.key.endpointId}/edge/status`,
      undefined,
      true,
    );
    if (r.secret) {
      this.secret = r.secret;
      const file = join(this.o.dataPath, SECRET_FILE);
      await writeFile(file, r.secret, { mode: 0o600 });
      await chmod(file, 0o600);
    }
    // A 304 names the cached answer that matched (several are offered): an answer can return to an earlier one
    // (a stack added then removed), so the last 200 is not necessarily it.
    const matched =
      r.status === 304 ? (r.etag?.replace(/^W\//, '').replace(/"/g, '') ?? this.lastEtag) : undefined;
    if (matched && this.cache.has(matched)) {
      this.lastEtag = matched;
      return this.cache.get(matched) as EdgeStatusResponse;
    }
    if (r.status !== 200) {
      let message = `the server answered ${r.status}`;
      try {
        const b = JSON.parse(r.body) as { message?: string; details?: string };
        message = `${b.message ?? message}${b.details ? `: ${b.details}` : ''}`;
      } catch {
        // not JSON
      }
      throw new Error(message);
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
      if (this.tunnel) {
        this.o.log.info('edge tunnel: the server answered IDLE, closing');
        this.tunnel.close();
        this.tunnel = undefined;
      }
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

  private closeIfInactive(): void {
    if (this.tunnel && Date.now() - this.lastActivity > this.o.inactivityMs) {
      this.o.log.info('edge tunnel: inactive, closing');
      this.tunnel.close();
      this.tunnel = undefined;
    }
  }

  /** A call to the server with the agent's headers; the poll adds its ETags. */
  readonly call: EdgeServerCall = (method, path, body) => this.request(method, path, body, false);

  private request(method: string, path: string, body: unknown, isPoll: boolean): Promise<PollResult> {
    const url = new URL(path, this.o.key.portainerUrl.replace(/\/+$/, '') + '/');
    const secure = url.protocol === 'https:';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      [AGENT_HEADERS.agent]: AGENT_VERSION,
      [AGENT_HEADERS.platform]: String(this.o.platform),
      [EDGE_HEADERS.edgeId]: this.o.edgeId,
      [EDGE_HEADERS.timeZone]: Intl.DateTimeFormat().resolvedOptions().timeZone,
      [EDGE_HEADERS.updateId]: '0',
      // Only the poll may ask for a secret ('?'); other calls carry the one held, if any.
      ...(isPoll || this.secret ? { [EDGE_HEADERS.edgeSecret]: this.secret ?? '?' } : {}),
      ...(isPoll && this.cache.size > 0 ? { 'If-None-Match': [...this.cache.keys()].join(',') } : {}),
      ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
    };
    const tls =
      secure && !this.o.insecurePoll && this.o.mtls
        ? {
            cert: readFileSync(this.o.mtls.cert),
            key: readFileSync(this.o.mtls.key),
            ...(this.o.mtls.ca ? { ca: readFileSync(this.o.mtls.ca) } : {}),
          }
        : {};
    const timeout = Math.max(30_000, this.intervalMs);
    return new Promise((resolve, reject) => {
      const onResponse = (res: IncomingMessage): void => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          if (body.length > 4 * 1_048_576) res.destroy(new Error('answer too large'));
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            etag: headerOf(res, 'etag'),
            secret: headerOf(res, EDGE_HEADERS.edgeSecret),
            body,
          }),
        );
        res.on('error', reject);
      };
      const req = secure
        ? httpsRequest(
            url,
            { method, headers, timeout, rejectUnauthorized: !this.o.insecurePoll, ...tls },
            onResponse,
          )
        : httpRequest(url, { method, headers, timeout }, onResponse);
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

function headerOf(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
