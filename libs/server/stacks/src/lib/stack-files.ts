import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';

/** One file of a stack: a path relative to the project directory, and its content. */
export interface StackFile {
  readonly path: string;
  readonly content: string;
}

/** A relative path that stays inside the project directory (no `..`, no absolute path, no NUL). */
export function safeRelativePath(path: string): string | undefined {
  if (path === '' || path.includes('\0') || isAbsolute(path) || path.length > 1024) return undefined;
  const n = normalize(path);
  if (
    n === '..' ||
    n.startsWith(`..${sep}`) ||
    n === '.' ||
    n.startsWith(`.versions${sep}`) ||
    n === '.versions'
  )
    return undefined;
  return n;
}

/**
 * A stack's files on disk: `<root>/<id>/` is the project directory (compose runs there; its relative paths
 * resolve there), `<root>/<id>/.versions/<n>/` keeps every version ever deployed, so a version can be viewed and
 * rolled back to. A version is written to a temporary directory and renamed into place: never half-written.
 */
export class StackFiles {
  constructor(private readonly root: string) {}

  projectPath(id: number): string {
    return join(this.root, String(id));
  }

  versionDir(id: number, version: number): string {
    return join(this.projectPath(id), '.versions', String(version));
  }

  /** Stores `files` as version `version` (a new number) and makes them the project's files. */
  async write(id: number, version: number, files: readonly StackFile[]): Promise<void> {
    const dir = this.versionDir(id, version);
    const tmp = `${dir}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    for (const f of files) {
      const rel = safeRelativePath(f.path);
      if (!rel) throw new Error(`unsafe path ${f.path}`);
      await mkdir(join(tmp, rel, '..'), { recursive: true, mode: 0o700 });
      await writeFile(join(tmp, rel), f.content, { mode: 0o600 });
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    await this.activate(id, version, files);
  }

  /** Makes a stored version the project's files again (rollback, or a failed update put back). */
  async activate(id: number, version: number, files?: readonly StackFile[]): Promise<void> {
    const content = files ?? (await this.read(id, version));
    const project = this.projectPath(id);
    for (const f of content) {
      const rel = safeRelativePath(f.path);
      if (!rel) continue;
      await mkdir(join(project, rel, '..'), { recursive: true, mode: 0o700 });
      const target = join(project, rel);
      await writeFile(`${target}.tmp`, f.content, { mode: 0o600 });
      await rename(`${target}.tmp`, target);
    }
  }

  /** The files of a version (every regular file under its directory). */
  async read(id: number, version: number): Promise<StackFile[]> {
    const dir = this.versionDir(id, version);
    const out: StackFile[] = [];
    const walk = async (rel: string): Promise<void> => {
      for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
        const p = rel ? join(rel, e.name) : e.name;
        if (e.isDirectory()) await walk(p);
        else if (e.isFile()) out.push({ path: p, content: await readFile(join(dir, p), 'utf8') });
      }
    };
    await walk('');
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Version numbers kept for a stack, oldest first. */
  async versions(id: number): Promise<number[]> {
    try {
      const names = await readdir(join(this.projectPath(id), '.versions'));
      return names
        .filter((n) => /^\d+$/.test(n))
        .map(Number)
        .sort((a, b) => a - b);
    } catch {
      return [];
    }
  }

  async remove(id: number): Promise<void> {
    await rm(this.projectPath(id), { recursive: true, force: true });
  }

  /** A version left by a failed deploy of a new stack or a rejected update. */
  async dropVersion(id: number, version: number): Promise<void> {
    await rm(this.versionDir(id, version), { recursive: true, force: true });
  }
}
