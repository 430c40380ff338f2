import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';

/** Who to sign in as at a registry (`{}`: anonymous). */
export interface RegistryCredentials {
  username?: string;
  password?: string;
}

export interface RegistryAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  body: Buffer;
}

/** A network failure (the registry could not be reached at all). */
export class RegistryUnreachable extends Error {}

const TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The registry HTTP API (`/v2/…`) as Docker speaks it: anonymous first, then on 401 the `WWW-Authenticate`
 * challenge — Basic: the credentials; Bearer: a token from the realm for the challenge's scope (cached per
 * registry, user and scope until it expires). HTTPS; plain HTTP only for loopback registries (Docker's own
 * insecure default). One port for the login test, browsing and update detection; unit tests replace it.
 */
export abstract class RegistryApiPort {
  abstract request(
    address: string,
    credentials: RegistryCredentials,
    method: 'GET' | 'HEAD' | 'DELETE' | 'PUT',
    path: string,
    options?: { accept?: string[]; body?: Buffer; contentType?: string },
  ): Promise<RegistryAnswer>;
}

@Injectable()
export class HttpRegistryApi extends RegistryApiPort {
  private readonly schemes = new Map<string, string>();
  private readonly tokens = new Map<string, { value: string; until: number }>();

  async request(
    address: string,
    credentials: RegistryCredentials,
    method: 'GET' | 'HEAD' | 'DELETE' | 'PUT',
    path: string,
    options: { accept?: string[]; body?: Buffer; contentType?: string } = {},
  ): Promise<RegistryAnswer> {
    const host = address.split('/')[0] ?? address;
    const base = await this.baseOf(host);
    const who = createHash('sha256')
      .update(`${credentials.username ?? ''}:${credentials.password ?? ''}`)
      .digest('hex');
    const key = `${host}\n${who}\n${method === 'GET' || method === 'HEAD' ? 'pull' : 'push'}\n${repoOf(path)}`;
    const cached = this.tokens.get(key);
    const headers: Record<string, string> = {};
    if (options.accept) headers['accept'] = options.accept.join(', ');
    if (options.contentType) headers['content-type'] = options.contentType;
    if (cached && cached.until > Date.now()) headers['authorization'] = cached.value;
    let answer = await send(`${base}${path}`, method, headers, options.body);
    if (answer.status !== 401) return answer;
    const challenge = answer.headers.get('www-authenticate') ?? '';
    const basic = `Basic ${Buffer.from(`${credentials.username ?? ''}:${credentials.password ?? ''}`).toString('base64')}`;
    let authorization: string;
    let lifetime = 60_000;
    if (/^basic/i.test(challenge)) {
      if (!credentials.username) return answer;
      authorization = basic;
      lifetime = 3_600_000;
    } else if (/^bearer/i.test(challenge)) {
      const params = challengeParams(challenge);
      if (!params['realm']) return answer;
      const realm = new URL(params['realm']);
      if (params['service']) realm.searchParams.set('service', params['service']);
      if (params['scope']) realm.searchParams.set('scope', params['scope']);
      const t = await send(realm.toString(), 'GET', credentials.username ? { authorization: basic } : {});
      if (t.status < 200 || t.status >= 300) return t;
      const body = JSON.parse(t.body.toString('utf8')) as {
        token?: string;
        access_token?: string;
        expires_in?: number;
      };
      const token = body.token ?? body.access_token;
      if (!token) return t;
      authorization = `Bearer ${token}`;
      lifetime = Math.max(10, (body.expires_in ?? 60) - 10) * 1000;
    } else {
      return answer;
    }
    headers['authorization'] = authorization;
    answer = await send(`${base}${path}`, method, headers, options.body);
    if (answer.status !== 401) this.tokens.set(key, { value: authorization, until: Date.now() + lifetime });
    return answer;
  }

  private async baseOf(host: string): Promise<string> {
    const known = this.schemes.get(host);
    if (known) return known;
    if (!isLoopback(host)) return `https://${host}`;
    try {
      await send(`https://${host}/v2/`, 'GET', {});
      this.schemes.set(host, `https://${host}`);
    } catch {
      await send(`http://${host}/v2/`, 'GET', {});
      this.schemes.set(host, `http://${host}`);
    }
    return this.schemes.get(host) ?? `https://${host}`;
  }
}

async function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<RegistryAnswer> {
  let r: Response;
  try {
    r = await fetch(url, {
      method,
      headers,
      body: body ? new Uint8Array(body) : undefined,
      redirect: 'follow',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (e) {
    throw new RegistryUnreachable(networkMessage(e));
  }
  const buf = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await r.arrayBuffer());
  if (buf.length > MAX_BODY_BYTES)
    throw new RegistryUnreachable(`answer larger than ${MAX_BODY_BYTES} bytes`);
  return { status: r.status, statusText: r.statusText, headers: r.headers, body: buf };
}

/** `/v2/<repo>/manifests/…` → repo (the token scope); '' for `/v2/` and `/v2/_catalog`. */
function repoOf(path: string): string {
  const m = /^\/v2\/(.+?)\/(manifests|tags|blobs)\//.exec(path.split('?')[0] ?? '');
  return m?.[1] ?? '';
}

function challengeParams(challenge: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of challenge.matchAll(/([a-zA-Z]+)="([^"]*)"/g)) out[m[1].toLowerCase()] = m[2];
  return out;
}

export function networkMessage(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  const own = e instanceof Error ? e.message : String(e);
  return cause?.message ? `${own}: ${cause.message}` : own;
}

export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\./.test(name);
}

/** The registry's error words (`{"errors":[{"message":…}]}`), or its raw text. */
export function registryErrorWords(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: { message?: string }[]; details?: string };
    const words = body.errors
      ?.map((e) => e.message)
      .filter(Boolean)
      .join('; ');
    if (words) return words;
    if (body.details) return body.details;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 300);
}
