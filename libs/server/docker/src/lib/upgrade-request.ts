import type { IncomingMessage } from 'node:http';

/** Cookies of a WebSocket upgrade request (no Fastify there); a malformed cookie is ignored like a missing one. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) {
      try {
        out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        // ignored
      }
    }
  }
  return out;
}

/** Cookie sessions are exposed to cross-site WebSocket hijacking: the Origin must be this server. */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
