import { applyJsonPatch, type JsonPatchOperation } from '@capstan/contracts-agent';

/**
 * RFC 6902 on the async snapshots (contracts' `applyJsonPatch`, the seam shared with the agent): the patched copy,
 * or undefined when the patch does not apply (a path that does not exist, a failed `test`, a prototype key) — the
 * agent is then asked for a full snapshot.
 */
export function patched<T>(document: T, operations: readonly JsonPatchOperation[]): T | undefined {
  try {
    return applyJsonPatch(document, operations);
  } catch {
    return undefined;
  }
}
