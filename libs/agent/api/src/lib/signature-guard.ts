import { IncomingHttpHeaders } from 'node:http';

import {
  AGENT_HEADERS,
  AGENT_SIGNATURE_MESSAGE,
  AgentErrorName,
  parseAgentPublicKey,
  verifyAgentSignature,
} from '@capstan/contracts-agent';

import { AgentHttpError } from './http-util';
import { AgentLogger } from './logger';
import { AgentRouterStep } from './router';

export type SignatureCheck = { ok: true } | { ok: false; error: AgentErrorName; details?: string };

/** Verified (key, signature) pairs: a server that signs deterministically is verified once, not per request. */
const CACHE_LIMIT = 256;

/**
 * The agent's request authentication (Portainer agent protocol §3.2), with the original's flaw fixed: in the
 * default mode the server's key is pinned only once a request signed by it verifies, so an unsigned or badly
 * signed first request cannot take the agent over. With AGENT_SECRET, the message is the secret and nothing is
 * pinned (any key that signs the secret is accepted).
 */
export class SignatureGuard {
  private pinned: string | null = null;
  private readonly verified = new Set<string>();

  constructor(private readonly secret: string | undefined) {}

  /** The pinned server key (PKIX DER hex), if any. */
  get pinnedKey(): string | null {
    return this.pinned;
  }

  /** True once a server has proven its key (or a secret makes pinning irrelevant). */
  get associated(): boolean {
    return this.pinned !== null;
  }

  check(headers: IncomingHttpHeaders): SignatureCheck {
    const headerKey = single(headers[AGENT_HEADERS.publicKey.toLowerCase()]);
    const signature = single(headers[AGENT_HEADERS.signature.toLowerCase()]);
    if (!headerKey || !signature) return { ok: false, error: 'missingSignature' };

    if (this.secret !== undefined) {
      if (!parseAgentPublicKey(headerKey)) return { ok: false, error: 'invalidPublicKey' };
      return this.verify(headerKey, signature, this.secret)
        ? { ok: true }
        : { ok: false, error: 'invalidSignature' };
    }

    if (this.pinned !== null) {
      // As the original: once pinned, the header key is ignored and only the pinned key's signatures pass.
      return this.verify(this.pinned, signature, AGENT_SIGNATURE_MESSAGE)
        ? { ok: true }
        : { ok: false, error: 'invalidSignature' };
    }

    if (!parseAgentPublicKey(headerKey)) return { ok: false, error: 'invalidPublicKey' };
    if (!this.verify(headerKey, signature, AGENT_SIGNATURE_MESSAGE))
      return { ok: false, error: 'invalidSignature' };
    this.pinned = headerKey.toLowerCase();
    return { ok: true };
  }

  private verify(key: string, signature: string, message: string): boolean {
    const cacheKey = `${key.toLowerCase()}\n${signature}\n${message}`;
    if (this.verified.has(cacheKey)) return true;
    if (!verifyAgentSignature(key, signature, message)) return false;
    if (this.verified.size >= CACHE_LIMIT) {
      const oldest = this.verified.values().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.add(cacheKey);
    return true;
  }
}

/**
 * Authentication as a step of the agent router: every request but the public ones (the ping, `/key`) must carry a
 * verifying signature, and so must every upgrade (the ping's path included).
 */
export function signatureStep(guard: SignatureGuard, log: AgentLogger): AgentRouterStep {
  const verify = (method: string, path: string, headers: IncomingHttpHeaders): void => {
    const check = guard.check(headers);
    if (check.ok) return;
    log.debug(`refused ${method} ${path}: ${check.error}`);
    throw new AgentHttpError(check.error, check.details);
  };
  return {
    request: (call) => {
      if (!call.public) verify(call.method, call.path, call.req.headers);
      return false;
    },
    upgrade: (call) => {
      verify(call.method, call.path, call.req.headers);
      return false;
    },
  };
}

function single(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.trim() || undefined;
}
