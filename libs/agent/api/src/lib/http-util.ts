import { IncomingMessage, ServerResponse } from 'node:http';

import { AGENT_ERRORS, AgentErrorName } from '@capstan/contracts-agent';

/** A handler's refusal: one of the contract's errors, with optional details. */
export class AgentHttpError extends Error {
  constructor(
    readonly error: AgentErrorName,
    readonly details?: string,
  ) {
    super(AGENT_ERRORS[error].message);
    this.name = 'AgentHttpError';
  }
}

/** Portainer's libhttp capitalises the first letter of `details`. */
function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function errorBody(name: AgentErrorName, details?: string): { status: number; body: string } {
  const spec = AGENT_ERRORS[name];
  return {
    status: spec.status,
    body: JSON.stringify({ message: spec.message, details: capitalise(details ?? spec.details) }),
  };
}

export function sendError(res: ServerResponse, name: AgentErrorName, details?: string): void {
  const { status, body } = errorBody(name, details);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
    .end(body);
}

export function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  const body = JSON.stringify(value);
  res
    .writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
    .end(body);
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204).end();
}

/** Reads a small request body (JSON payloads), refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AgentHttpError('invalidPayload', 'Request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * A JSON object body with its keys matched case-insensitively, as Go's encoding/json does (Portainer sends
 * `CurrentFilePath`, `Authentication`... in any case).
 */
export async function readJsonObject(req: IncomingMessage): Promise<Map<string, unknown>> {
  const raw = await readBody(req);
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AgentHttpError('invalidPayload', 'The body is not valid JSON');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new AgentHttpError('invalidPayload', 'The body must be a JSON object');
  }
  const fields = new Map<string, unknown>();
  for (const [key, v] of Object.entries(value)) {
    const k = key.toLowerCase();
    if (!fields.has(k)) fields.set(k, v);
  }
  return fields;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
