/**
 * A Docker id shortened as the docker CLI shows it: a full 64-hex id (or a `sha256:` digest) to its first 12 hex
 * digits; anything else (a name, a short id) is kept as it is.
 */
export function shortDockerId(value: string): string {
  return /^[0-9a-f]{64}$/.test(value)
    ? value.slice(0, 12)
    : value.replace(/^sha256:([0-9a-f]{12})[0-9a-f]*$/, '$1');
}
