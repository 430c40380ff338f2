import { Injectable } from '@nestjs/common';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';

/** The outcome of a real login against a registry's `/v2/` API. */
export interface LoginResult {
  ok: boolean;
  /** Status and words of the registry's answer, or the network error. */
  message: string;
  /** False when the registry could not be reached at all. */
  reachable: boolean;
}

/** Logs in to a registry for real (what `docker login` does). A port so unit tests stay off the network. */
export abstract class RegistryLoginPort {
  abstract login(address: string, username: string, password: string): Promise<LoginResult>;
}

/** An ECR authorization token (`AWS:<password>` decoded) and when it expires (ms since epoch). */
export interface EcrToken {
  username: string;
  password: string;
  expiresAt: number;
}

/** Exchanges ECR access keys for a registry token (AWS SDK). A port so unit tests need no AWS. */
export abstract class EcrTokenPort {
  abstract token(region: string, accessKeyId: string, secretAccessKey: string): Promise<EcrToken>;
}

const TIMEOUT_MS = 10_000;

/**
 * The registry's token flow, as Docker does it: `GET /v2/` anonymously; on 401 follow `WWW-Authenticate` —
 * Basic: repeat with the credentials; Bearer: ask the realm for a token with the credentials, then `GET /v2/`
 * with it. HTTPS first; plain HTTP only for loopback addresses (Docker's own insecure default).
 */
@Injectable()
export class HttpRegistryLogin extends RegistryLoginPort {
  async login(address: string, username: string, password: string): Promise<LoginResult> {
    const host = address.split('/')[0] ?? address;
    const schemes = isLoopback(host) ? ['https', 'http'] : ['https'];
    let last: LoginResult = { ok: false, reachable: false, message: 'not tried' };
    for (const scheme of schemes) {
      last = await this.loginOnce(`${scheme}://${host}`, username, password);
      if (last.reachable) return last;
    }
    return last;
  }

  private async loginOnce(base: string, username: string, password: string): Promise<LoginResult> {
    const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    let first: Response;
    try {
      first = await fetch(`${base}/v2/`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      return { ok: false, reachable: false, message: networkMessage(e) };
    }
    await first.body?.cancel();
    if (first.ok)
      return { ok: true, reachable: true, message: `${first.status} (no authentication required)` };
    if (first.status !== 401)
      return { ok: false, reachable: true, message: `${first.status} ${first.statusText}` };
    const challenge = first.headers.get('www-authenticate') ?? '';
    try {
      if (/^basic/i.test(challenge)) {
        const r = await fetch(`${base}/v2/`, {
          headers: { authorization: basic },
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        return answer(r);
      }
      const params = challengeParams(challenge);
      if (!/^bearer/i.test(challenge) || !params['realm'])
        return { ok: false, reachable: true, message: `401 with an unknown challenge "${challenge}"` };
      const realm = new URL(params['realm']);
      if (params['service']) realm.searchParams.set('service', params['service']);
      const t = await fetch(realm, {
        headers: { authorization: basic },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!t.ok) return answer(t);
      const body = (await t.json()) as { token?: string; access_token?: string };
      const token = body.token ?? body.access_token;
      if (!token)
        return { ok: false, reachable: true, message: 'The token service answered without a token' };
      const r = await fetch(`${base}/v2/`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return answer(r);
    } catch (e) {
      return { ok: false, reachable: false, message: networkMessage(e) };
    }
  }
}

async function answer(r: Response): Promise<LoginResult> {
  const text = (await r.text()).slice(0, 300).trim();
  if (r.ok) return { ok: true, reachable: true, message: `${r.status} ${r.statusText}` };
  return {
    ok: false,
    reachable: true,
    message: `${r.status} ${r.statusText}${text ? `: ${errorWords(text)}` : ''}`,
  };
}

/** The registry's error words (`{"errors":[{"message":…}]}`), or its raw text. */
function errorWords(text: string): string {
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
  return text;
}

function challengeParams(challenge: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of challenge.matchAll(/([a-zA-Z]+)="([^"]*)"/g)) out[m[1].toLowerCase()] = m[2];
  return out;
}

function networkMessage(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  const own = e instanceof Error ? e.message : String(e);
  return cause?.message ? `${own}: ${cause.message}` : own;
}

export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\./.test(name);
}

/** ECR's GetAuthorizationToken with the stored keys. */
@Injectable()
export class AwsEcrTokens extends EcrTokenPort {
  async token(region: string, accessKeyId: string, secretAccessKey: string): Promise<EcrToken> {
    const client = new ECRClient({ region, credentials: { accessKeyId, secretAccessKey } });
    try {
      const out = await client.send(new GetAuthorizationTokenCommand({}));
      const data = out.authorizationData?.[0];
      if (!data?.authorizationToken) throw new Error('ECR answered without an authorization token');
      const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return {
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        expiresAt: data.expiresAt?.getTime() ?? Date.now() + 3_600_000,
      };
    } finally {
      client.destroy();
    }
  }
}
