/**
 * Portainer's stack name rules: the name is normalised the way compose normalises a project name (lower case,
 * only `a-z`, `0-9`, `-` and `_`, starting with a letter or digit), then must not be empty.
 */
export function normalizeStackName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '')
    .replace(/^[-_]+/, '');
}

/** The normalised name, or why it cannot be one. */
export function checkStackName(raw: unknown): { ok: true; name: string } | { ok: false; reason: string } {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'Invalid stack name' };
  if (raw.length > 255) return { ok: false, reason: 'Stack name too long (255 characters at most)' };
  const name = normalizeStackName(raw);
  if (name === '')
    return {
      ok: false,
      reason: 'Stack name must contain a lower-case letter or a digit (a-z, 0-9, "-", "_")',
    };
  return { ok: true, name };
}
