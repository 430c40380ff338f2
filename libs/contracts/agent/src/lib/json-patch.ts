import { applyPatch, compare, type Operation } from 'fast-json-patch';
import type { JsonPatchOperation } from './edge-async';

/**
 * RFC 6902 JSON Patch for the async snapshots, through `fast-json-patch` (maintained; prototype modifications
 * banned): `diffJson` (agent) and `applyJsonPatch` (server, and the agent's copy of what the server holds). The one
 * seam both sides use.
 */

export class JsonPatchError extends Error {}

/** Applies a patch to a copy of `document` (the original is untouched); throws JsonPatchError when it does not apply. */
export function applyJsonPatch<T>(document: T, operations: readonly JsonPatchOperation[]): T {
  try {
    // validate: every operation checked (paths that exist, `test`); banPrototypeModifications: no __proto__ keys.
    return applyPatch(structuredClone(document), operations as Operation[], true, true, true).newDocument;
  } catch (e) {
    throw new JsonPatchError(e instanceof Error ? e.message : String(e));
  }
}

/** The operations turning `from` into `to` (objects by key, arrays by index), applied in order. */
export function diffJson(from: unknown, to: unknown): JsonPatchOperation[] {
  return compare(from as object, to as object) as JsonPatchOperation[];
}
