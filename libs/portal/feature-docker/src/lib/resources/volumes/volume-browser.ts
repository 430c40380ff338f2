/** The agent's volume browser (`/v2/browse/*` through the Docker proxy): pure helpers, unit-tested. */

/** One entry of `GET /v2/browse/ls` (Portainer agent protocol). */
export interface BrowseEntry {
  Name: string;
  /** Bytes. */
  Size: number;
  Dir: boolean;
  /** Unix seconds. */
  ModTime: number;
}

/** A normalised absolute path inside the volume: `/`, `/a`, `/a/b` (no `.`/`..`, no trailing slash). */
export function normalisePath(path: string | null | undefined): string {
  const parts: string[] = [];
  for (const part of (path ?? '').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return '/' + parts.join('/');
}

export function childPath(dir: string, name: string): string {
  const base = normalisePath(dir);
  return base === '/' ? `/${name}` : `${base}/${name}`;
}

export function parentPath(path: string): string {
  const parts = normalisePath(path).split('/').filter(Boolean);
  parts.pop();
  return '/' + parts.join('/');
}

/** The breadcrumb of a path: the volume's root first, then one crumb per directory. */
export function breadcrumbs(volume: string, path: string): { label: string; path: string }[] {
  const crumbs = [{ label: volume, path: '/' }];
  let at = '';
  for (const part of normalisePath(path).split('/').filter(Boolean)) {
    at += `/${part}`;
    crumbs.push({ label: part, path: at });
  }
  return crumbs;
}

/** Directories first, then files, each by name. */
export function sortEntries(entries: readonly BrowseEntry[]): BrowseEntry[] {
  return [...entries].sort((a, b) => (a.Dir === b.Dir ? a.Name.localeCompare(b.Name) : a.Dir ? -1 : 1));
}

/** A new name for rename: one path segment, not `.`/`..`. Returns the error, or null when fine. */
export function nameError(name: string): string | null {
  const n = name.trim();
  if (!n) return 'A name is required.';
  if (n === '.' || n === '..' || n.includes('/')) return 'A name cannot be . or .. or contain /.';
  return null;
}
