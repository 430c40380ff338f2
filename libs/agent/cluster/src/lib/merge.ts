import type { IncomingMessage } from 'node:http';

import { compareStrings } from './members';
import { FanOutResource } from './route';

/** One node's answer to a fanned-out request: the parsed JSON body, or why it failed. */
export type NodeResult =
  | {
      nodeName: string;
      ok: true;
      body: unknown;
      /** The engine's (or peer's) HTTP status. */
      status?: number;
    }
  | { nodeName: string; ok: false; error: string };

/** One node's list answer is read whole to be merged: past this it is that node's failure, not the agent's memory. */
export const MAX_PART_BYTES = 64 * 1024 * 1024;

/**
 * Reads one node's answer to a fanned-out request — from its engine or from its agent — into a NodeResult: the
 * parsed JSON with its status, or why not (over MAX_PART_BYTES: `abort()` stops the request; a read error; not
 * JSON). `done` is called once.
 */
export function readNodePart(
  nodeName: string,
  res: IncomingMessage,
  done: (result: NodeResult) => void,
  abort: () => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const finish = (result: NodeResult): void => {
    if (settled) return;
    settled = true;
    done(result);
  };
  const fail = (error: string): void => finish({ nodeName, ok: false, error });
  res.on('data', (c: Buffer) => {
    if (settled) return;
    size += c.length;
    if (size > MAX_PART_BYTES) {
      fail(`answer over ${MAX_PART_BYTES / 1024 / 1024} MB`);
      abort();
      return;
    }
    chunks.push(c);
  });
  res.on('error', (err) => fail(err.message));
  res.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      fail(`status ${res.statusCode ?? 0}, body is not JSON`);
      return;
    }
    finish({ nodeName, ok: true, status: res.statusCode, body });
  });
}

export interface MergedResponse {
  /** Array for containers/images/networks, `{Volumes: [...]}` for volumes (Warnings dropped, as the original). */
  body: unknown;
  /** Node names whose answer could not be used, sorted. */
  unreachable: string[];
  /** Why, per node (logged by the caller). */
  errors: Record<string, string>;
}

/**
 * Merges per-node lists (Portainer agent protocol §4.4): every item is tagged
 * `Portainer.Agent.NodeName` (overwriting any `Portainer` key). Unlike the original, the order is deterministic
 * (node name, then the engine's own order) and failed nodes are reported instead of silently dropped.
 */
export function mergeFanOut(resource: FanOutResource, results: NodeResult[]): MergedResponse {
  const items: unknown[] = [];
  const unreachable: string[] = [];
  const errors: Record<string, string> = {};
  const sorted = [...results].sort((a, b) => compareStrings(a.nodeName, b.nodeName));
  for (const r of sorted) {
    const list = r.ok ? extractList(resource, r.body) : r.error;
    if (typeof list === 'string') {
      unreachable.push(r.nodeName);
      errors[r.nodeName] = list;
      continue;
    }
    for (const item of list) items.push({ ...item, Portainer: { Agent: { NodeName: r.nodeName } } });
  }
  return { body: resource === 'volumes' ? { Volumes: items } : items, unreachable, errors };
}

/** The items of one node's answer, or an error text. */
function extractList(resource: FanOutResource, body: unknown): Record<string, unknown>[] | string {
  if (isObject(body) && 'message' in body) return `engine error: ${String(body['message'])}`;
  let list: unknown = body;
  if (resource === 'volumes') {
    if (!isObject(body)) return 'volume list is not an object';
    list = body['Volumes'] ?? [];
  }
  if (!Array.isArray(list)) return 'list is not an array';
  if (!list.every(isObject)) return 'list item is not an object';
  return list;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
