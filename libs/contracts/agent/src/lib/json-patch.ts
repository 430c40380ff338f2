import type { JsonPatchOperation } from './edge-async';

/**
 * RFC 6902 JSON Patch for the async snapshots: `diffJson` (agent) and `applyJsonPatch` (server, and the agent's
 * copy of what the server holds). The one seam both sides use: `fast-json-patch` was asked for
 * (`edge3.need-package`); until it is installed this minimal implementation stands in, and swapping it is a
 * change to this file only. Prototype keys are refused, as fast-json-patch's `banPrototypeModifications` does.
 */

export class JsonPatchError extends Error {}

const BANNED = new Set(['__proto__', 'constructor', 'prototype']);

type Container = Record<string, unknown> | unknown[];

function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`Invalid JSON pointer ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      const token = t.replace(/~1/g, '/').replace(/~0/g, '~');
      if (BANNED.has(token)) throw new JsonPatchError(`JSON pointer ${pointer} touches a prototype`);
      return token;
    });
}

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

function arrayIndex(arr: unknown[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new JsonPatchError(`Invalid array index ${token}`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new JsonPatchError(`Array index ${token} out of range`);
  return i;
}

/** The parent container and the last token of a pointer. */
function locate(doc: unknown, tokens: string[]): { parent: Container; key: string } {
  let node = doc;
  for (const t of tokens.slice(0, -1)) {
    if (!isContainer(node)) throw new JsonPatchError(`Path ${tokens.join('/')} does not exist`);
    node = Array.isArray(node) ? node[arrayIndex(node, t, false)] : (node as Record<string, unknown>)[t];
  }
  if (!isContainer(node)) throw new JsonPatchError(`Path ${tokens.join('/')} does not exist`);
  return { parent: node, key: tokens[tokens.length - 1] ?? '' };
}

function get(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const t of parsePointer(pointer)) {
    if (!isContainer(node)) throw new JsonPatchError(`Path ${pointer} does not exist`);
    if (Array.isArray(node)) node = node[arrayIndex(node, t, false)];
    else {
      if (!Object.prototype.hasOwnProperty.call(node, t)) throw new JsonPatchError(`Path ${pointer} does not exist`);
      node = node[t];
    }
  }
  return node;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.prototype.hasOwnProperty.call(b, k) &&
      deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

/** Applies a patch to a copy of `document` (the original is untouched); throws JsonPatchError when it does not apply. */
export function applyJsonPatch<T>(document: T, operations: readonly JsonPatchOperation[]): T {
  let doc: unknown = structuredClone(document);
  for (const op of operations) {
    const tokens = parsePointer(op.path);
    const value = 'value' in op ? structuredClone(op.value) : undefined;
    const put = (at: string[], v: unknown): void => {
      if (at.length === 0) {
        doc = v;
        return;
      }
      const { parent, key } = locate(doc, at);
      if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, v);
      else parent[key] = v;
    };
    const remove = (at: string[]): unknown => {
      if (at.length === 0) throw new JsonPatchError('Cannot remove the whole document');
      const { parent, key } = locate(doc, at);
      if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, false), 1)[0];
      if (!Object.prototype.hasOwnProperty.call(parent, key))
        throw new JsonPatchError(`Path ${op.path} does not exist`);
      const old = parent[key];
      delete parent[key];
      return old;
    };
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw new JsonPatchError('add needs a value');
        put(tokens, value);
        break;
      case 'remove':
        remove(tokens);
        break;
      case 'replace':
        if (!('value' in op)) throw new JsonPatchError('replace needs a value');
        if (tokens.length === 0) doc = value;
        else {
          get(doc, op.path);
          const { parent, key } = locate(doc, tokens);
          if (Array.isArray(parent)) parent[arrayIndex(parent, key, false)] = value;
          else parent[key] = value;
        }
        break;
      case 'move': {
        if (op.from === undefined) throw new JsonPatchError('move needs from');
        if (op.path.startsWith(`${op.from}/`)) throw new JsonPatchError('Cannot move into a child of itself');
        const moved = remove(parsePointer(op.from));
        put(tokens, moved);
        break;
      }
      case 'copy':
        if (op.from === undefined) throw new JsonPatchError('copy needs from');
        put(tokens, structuredClone(get(doc, op.from)));
        break;
      case 'test':
        if (!deepEqual(get(doc, op.path), value)) throw new JsonPatchError(`test failed at ${op.path}`);
        break;
      default:
        throw new JsonPatchError(`Unknown operation ${String((op as { op: unknown }).op)}`);
    }
  }
  return doc as T;
}

/** The operations turning `from` into `to` (objects by key, arrays by index), applied in order. */
export function diffJson(from: unknown, to: unknown, path = ''): JsonPatchOperation[] {
  if (deepEqual(from, to)) return [];
  if (!isContainer(from) || !isContainer(to) || Array.isArray(from) !== Array.isArray(to))
    return [{ op: 'replace', path, value: structuredClone(to) }];
  const ops: JsonPatchOperation[] = [];
  if (Array.isArray(from) && Array.isArray(to)) {
    const common = Math.min(from.length, to.length);
    for (let i = 0; i < common; i++) ops.push(...diffJson(from[i], to[i], `${path}/${i}`));
    for (let i = from.length - 1; i >= to.length; i--) ops.push({ op: 'remove', path: `${path}/${i}` });
    for (let i = from.length; i < to.length; i++)
      ops.push({ op: 'add', path: `${path}/${i}`, value: structuredClone(to[i]) });
    return ops;
  }
  const a = from as Record<string, unknown>;
  const b = to as Record<string, unknown>;
  for (const k of Object.keys(a))
    if (!Object.prototype.hasOwnProperty.call(b, k)) ops.push({ op: 'remove', path: `${path}/${escape(k)}` });
  for (const k of Object.keys(b)) {
    const p = `${path}/${escape(k)}`;
    if (!Object.prototype.hasOwnProperty.call(a, k)) ops.push({ op: 'add', path: p, value: structuredClone(b[k]) });
    else ops.push(...diffJson(a[k], b[k], p));
  }
  return ops;
}
