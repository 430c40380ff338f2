const SECRET_KEY =
  /pass(word|phrase)?|secret|token|apikey|api_key|private|credential|authorization|cookie|^key$|^(totp)?code$/i;
export const REDACTED = '[REDACTED]';
export const MAX_PAYLOAD_CHARS = 8192;

/** Deep copy of a request body with every secret-looking field replaced. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redact(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1),
      ]),
    );
  }
  return value;
}

/** The payload column: redacted JSON, cut at MAX_PAYLOAD_CHARS. */
export function payloadText(body: unknown): string {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0))
    return '';
  const text = JSON.stringify(redact(body));
  return text.length > MAX_PAYLOAD_CHARS ? text.slice(0, MAX_PAYLOAD_CHARS) + '…(truncated)' : text;
}

/**
 * Paths that carry a secret: the public webhook triggers' tokens (`/api/webhooks/{token}`, numeric ids kept;
 * `/api/stacks/webhooks/{uuid}`, the git stack webhook).
 */
const SECRET_PATHS: readonly RegExp[] = [
  /^(\/api\/webhooks\/)(?!\d+$)[^/]+$/,
  /^(\/api\/stacks\/webhooks\/)[^/]+$/,
];

export function redactPath(path: string): string {
  for (const re of SECRET_PATHS) if (re.test(path)) return path.replace(re, '$1[REDACTED]');
  return path;
}
