import { readFileSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import {
  AGENT_HEADERS,
  AGENT_VERSION,
  AgentPlatform,
  EDGE_HEADERS,
  type EdgeKey,
} from '@capstan/contracts-agent';

export interface ServerClientOptions {
  readonly key: EdgeKey;
  readonly edgeId: string;
  readonly platform: AgentPlatform;
  /** EDGE_INSECURE_POLL: do not verify the server's certificate (mTLS is then not used either). */
  readonly insecurePoll: boolean;
  /** MTLS_SSL_CERT/KEY/CA: files for mutual TLS towards the server. */
  readonly mtls?: { cert: string; key: string; ca?: string };
  /** Where the per-environment poll secret is kept (0600). */
  readonly dataPath: string;
}

export interface ServerAnswer {
  readonly status: number;
  readonly etag?: string;
  readonly secret?: string;
  readonly body: string;
}

const SECRET_FILE = 'agent_edge_secret';
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * The edge agent's requests to the server (poll, global key, async): the reference's headers
 * (`Portainer-Agent`, `-Platform`, `X-PortainerAgent-EdgeID`, `-TimeZone`, `-Update-ID`), Capstan's per-environment
 * secret (`?` until the server gives one, then kept in `<DATA_PATH>/agent_edge_secret`, 0600), TLS options.
 */
export class EdgeServerClient {
  private secret?: string;

  constructor(private readonly o: ServerClientOptions) {}

  async loadSecret(): Promise<void> {
    this.secret =
      (await readFile(join(this.o.dataPath, SECRET_FILE), 'utf8').catch(() => '')).trim() || undefined;
  }

  async request(
    method: string,
    path: string,
    options: { body?: Buffer; headers?: OutgoingHttpHeaders; timeoutMs?: number } = {},
  ): Promise<ServerAnswer> {
    const answer = await this.send(method, path, options);
    if (answer.secret && answer.secret !== this.secret) {
      this.secret = answer.secret;
      const file = join(this.o.dataPath, SECRET_FILE);
      await writeFile(file, answer.secret, { mode: 0o600 });
      await chmod(file, 0o600);
    }
    return answer;
  }

  private send(
    method: string,
    path: string,
    options: { body?: Buffer; headers?: OutgoingHttpHeaders; timeoutMs?: number },
  ): Promise<ServerAnswer> {
    const url = new URL(path, this.o.key.portainerUrl.replace(/\/+$/, '') + '/');
    const secure = url.protocol === 'https:';
    const headers: OutgoingHttpHeaders = {
      [AGENT_HEADERS.agent]: AGENT_VERSION,
      [AGENT_HEADERS.platform]: String(this.o.platform),
      [EDGE_HEADERS.edgeId]: this.o.edgeId,
      [EDGE_HEADERS.timeZone]: Intl.DateTimeFormat().resolvedOptions().timeZone,
      [EDGE_HEADERS.updateId]: '0',
      [EDGE_HEADERS.edgeSecret]: this.secret ?? '?',
      ...(options.body ? { 'Content-Length': String(options.body.length) } : {}),
      ...options.headers,
    };
    const tls =
      secure && !this.o.insecurePoll && this.o.mtls
        ? {
            cert: readFileSync(this.o.mtls.cert),
            key: readFileSync(this.o.mtls.key),
            ...(this.o.mtls.ca ? { ca: readFileSync(this.o.mtls.ca) } : {}),
          }
        : {};
    const timeout = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const onResponse = (res: IncomingMessage): void => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          if (body.length > MAX_ANSWER_BYTES) res.destroy(new Error('server answer too large'));
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
      req.end(options.body);
    });
  }
}

/** The server's `{message, details}` refusal as one line. */
export function refusalText(answer: ServerAnswer): string {
  let message = `the server answered ${answer.status}`;
  try {
    const b = JSON.parse(answer.body) as { message?: string; details?: string };
    message = `${b.message ?? message}${b.details ? `: ${b.details}` : ''}`;
  } catch {
    // not JSON
  }
  return message;
}

function headerOf(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
