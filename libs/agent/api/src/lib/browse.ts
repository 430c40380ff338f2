import { constants, createReadStream, Stats } from 'node:fs';
import {
  FileHandle,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
} from 'node:fs/promises';
import { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, isAbsolute, join, posix, resolve, sep } from 'node:path';

import { BrowseEntry, DOCKER_VOLUME_NAME } from '@capstan/contracts-agent';

import { DockerEngine } from './docker-engine';
import { AgentHttpError, readJsonObject, sendNoContent, sendJson } from './http-util';
import { PartSink, readMultipart } from './multipart';

/** Where the browse operations may act: a volume's data directory (realpath), or the whole file system. */
interface BrowseRoot {
  /** Real path of the volume's data directory; null for host browsing. */
  dir: string | null;
}

export interface BrowseRequest {
  volumeId: string | undefined;
  /** The `X-Capstan-Agent-Browse-Host: 1` header from the server (administrators only). */
  hostAllowed: boolean;
}

/**
 * The volume browser (Portainer agent protocol §1.3, §7), confined to the volume: `..` segments are refused
 * (also when they arrive percent-encoded, the query is decoded first), absolute paths are taken relative to the
 * volume, the volume id must be a Docker volume name, and every path is resolved with realpath and must stay
 * inside the volume's data directory, so a symlink planted in the volume cannot reach the host. Browsing without a
 * volume (the host) needs the server's administrator header.
 *
 * The checks happen before the operation (no openat2 in Node), so a container writing to the volume at the same
 * moment could still swap a directory for a symlink in between; uploads at least refuse to follow a final
 * symlink (O_NOFOLLOW).
 */
export class VolumeBrowser {
  constructor(
    private readonly engine: DockerEngine,
    /** Fallback when the engine cannot be asked: `<volumesDir>/<id>/_data`. */
    private readonly volumesDir = '/var/lib/docker/volumes',
  ) {}

  async ls(req: BrowseRequest, path: string | null, res: ServerResponse): Promise<void> {
    if (!path) throw new AgentHttpError('missingPath');
    const root = await this.root(req);
    const target = await this.existing(root, requirePath(path, root));
    const st = await stat(target).catch(notFound);
    if (!st.isDirectory()) throw new AgentHttpError('notADirectory');
    const entries: BrowseEntry[] = [];
    for (const name of await readdir(target)) {
      const info = await lstat(join(target, name)).catch(() => null);
      if (!info) continue;
      entries.push({
        Name: name,
        Size: info.size,
        Dir: info.isDirectory(),
        ModTime: Math.floor(info.mtimeMs / 1000),
      });
    }
    entries.sort((a, b) => a.Name.localeCompare(b.Name));
    sendJson(res, entries);
  }

  async get(
    req: BrowseRequest,
    path: string | null,
    httpReq: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    if (!path) throw new AgentHttpError('missingPath');
    const root = await this.root(req);
    const target = await this.existing(root, requirePath(path, root));
    const st = await stat(target).catch(notFound);
    if (!st.isFile()) throw new AgentHttpError('notAFile');
    serveFile(target, st, httpReq, res);
  }

  async delete(req: BrowseRequest, path: string | null, res: ServerResponse): Promise<void> {
    if (!path) throw new AgentHttpError('missingPath');
    const root = await this.root(req);
    const target = await this.entry(root, requirePath(path, root));
    const info = await lstat(target).catch(notFound);
    try {
      if (info.isDirectory()) await rmdir(target);
      else await unlink(target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new AgentHttpError('directoryNotEmpty');
      throw new AgentHttpError('removeFile', (err as Error).message);
    }
    sendNoContent(res);
  }

  async rename(req: BrowseRequest, httpReq: IncomingMessage, res: ServerResponse): Promise<void> {
    const root = await this.root(req);
    const body = await readJsonObject(httpReq);
    const from = body.get('currentfilepath');
    const to = body.get('newfilepath');
    if (typeof from !== 'string' || !from)
      throw new AgentHttpError('invalidPayload', 'Invalid current file path');
    if (typeof to !== 'string' || !to) throw new AgentHttpError('invalidPayload', 'Invalid new file path');
    const source = await this.entry(root, checkedPath(from, root));
    const destination = await this.entry(root, checkedPath(to, root));
    await lstat(source).catch(notFound);
    try {
      await rename(source, destination);
    } catch (err) {
      throw fileSystemError('renameFile', err);
    }
    sendNoContent(res);
  }

  async put(req: BrowseRequest, httpReq: IncomingMessage, res: ServerResponse): Promise<void> {
    const root = await this.root(req);
    let dirField: string | undefined;
    let fileName: string | undefined;
    let target: FileHandle | undefined;
    let spill: { dir: string; handle: FileHandle } | undefined;

    const openTarget = async (name: string): Promise<FileHandle> => {
      const dir = await this.directoryFor(root, checkedPath(dirField || '/', root));
      try {
        // Truncate (the original keeps a longer old file's tail); never follow a symlink at the target.
        return await open(join(dir, name), UPLOAD_FLAGS, 0o644);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
          throw new AgentHttpError('outsideVolume', 'The target is a symbolic link');
        }
        throw fileSystemError('writeFile', err);
      }
    };

    try {
      await readMultipart(httpReq, httpReq.headers['content-type'] ?? '', {
        field: (name, value) => {
          if ((name === 'Path' || name === 'path') && dirField === undefined) dirField = value;
        },
        file: async (name, filename) => {
          if (name !== 'file' || fileName !== undefined) return null;
          fileName = uploadName(filename);
          if (dirField !== undefined) {
            target = await openTarget(fileName);
            return sinkOf(target);
          }
          // The file came before the Path field: keep it aside until the directory is known.
          const dir = await mkdtemp(join(tmpdir(), 'capstan-agent-upload-'));
          spill = { dir, handle: await open(join(dir, 'data'), 'w', 0o600) };
          return sinkOf(spill.handle);
        },
      });
      if (dirField === undefined) throw new AgentHttpError('invalidPayload', 'Missing Path field');
      if (fileName === undefined) throw new AgentHttpError('invalidPayload', 'Missing file field');
      if (spill) {
        target = await openTarget(fileName);
        const sink = sinkOf(target);
        for await (const chunk of createReadStream(join(spill.dir, 'data')))
          await sink.write(chunk as Buffer);
      }
    } finally {
      await target?.close().catch(() => undefined);
      if (spill) {
        await spill.handle.close().catch(() => undefined);
        await rm(spill.dir, { recursive: true, force: true });
      }
    }
    sendNoContent(res);
  }

  /** The real data directory of the volume, or the host root when allowed. */
  private async root(req: BrowseRequest): Promise<BrowseRoot> {
    if (req.volumeId === undefined || req.volumeId === '') {
      if (!req.hostAllowed) throw new AgentHttpError('hostBrowseDenied');
      return { dir: null };
    }
    if (!DOCKER_VOLUME_NAME.test(req.volumeId)) throw new AgentHttpError('invalidVolumeId');
    let dir = join(this.volumesDir, req.volumeId, '_data');
    try {
      const reply = await this.engine.json('GET', `/volumes/${encodeURIComponent(req.volumeId)}`);
      if (reply.status === 404) throw new AgentHttpError('volumeNotFound', `No such volume: ${req.volumeId}`);
      const mountpoint = (reply.body as { Mountpoint?: unknown } | null)?.Mountpoint;
      if (reply.status === 200 && typeof mountpoint === 'string' && mountpoint) dir = mountpoint;
    } catch (err) {
      if (err instanceof AgentHttpError) throw err;
      // Engine unreachable: fall back to the default layout.
    }
    try {
      return { dir: await realpath(dir) };
    } catch {
      throw new AgentHttpError(
        'volumeNotFound',
        `The data directory of volume ${req.volumeId} is not reachable`,
      );
    }
  }

  /** An existing path, fully resolved, inside the root. */
  private async existing(root: BrowseRoot, path: string): Promise<string> {
    const real = await realpath(path).catch(notFound);
    assertInside(root, real);
    return real;
  }

  /** A directory entry itself (not followed): its parent resolved inside the root, the last name kept. */
  private async entry(root: BrowseRoot, path: string): Promise<string> {
    if (root.dir !== null && path === root.dir)
      throw new AgentHttpError('invalidPayload', 'The volume root itself');
    const parent = await realpath(dirname(path)).catch(notFound);
    assertInside(root, parent);
    return join(parent, posix.basename(path));
  }

  /** Creates the upload directory (0755) after checking its deepest existing ancestor, then re-checks it. */
  private async directoryFor(root: BrowseRoot, path: string): Promise<string> {
    let existing = path;
    for (;;) {
      try {
        assertInside(root, await realpath(existing));
        break;
      } catch (err) {
        if (err instanceof AgentHttpError) throw err;
        const up = dirname(existing);
        if (up === existing) break;
        existing = up;
      }
    }
    try {
      await mkdir(path, { recursive: true, mode: 0o755 });
    } catch (err) {
      throw fileSystemError('writeFile', err);
    }
    const real = await realpath(path);
    assertInside(root, real);
    return real;
  }
}

function requirePath(path: string | null, root: BrowseRoot): string {
  if (!path) throw new AgentHttpError('missingPath');
  return checkedPath(path, root);
}

/** Refuses `..` segments (both separators), then places the path under the root (host: must be absolute). */
function checkedPath(path: string, root: BrowseRoot): string {
  if (path.split(/[\\/]/).includes('..')) throw new AgentHttpError('dotDotPath');
  if (path.includes('\0')) throw new AgentHttpError('invalidPayload', 'Invalid path');
  if (root.dir === null) {
    if (!isAbsolute(path)) throw new AgentHttpError('relativeHostPath');
    return resolve(path);
  }
  return join(root.dir, path);
}

function assertInside(root: BrowseRoot, real: string): void {
  if (root.dir === null) return;
  if (real !== root.dir && !real.startsWith(root.dir.endsWith(sep) ? root.dir : root.dir + sep)) {
    throw new AgentHttpError('outsideVolume');
  }
}

/** Client-caused file system failures are 4xx; the rest keeps the operation's 500. */
function fileSystemError(fallback: 'renameFile' | 'writeFile', err: unknown): AgentHttpError {
  const { code, message } = err as NodeJS.ErrnoException;
  if (code === 'ENOENT') return new AgentHttpError('fileNotFound', message);
  if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
    return new AgentHttpError('pathConflict', message);
  }
  return new AgentHttpError(fallback, message);
}

function notFound(err: unknown): never {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    throw new AgentHttpError('fileNotFound', 'No such file or directory');
  throw new AgentHttpError('openFile', (err as Error).message);
}

const UPLOAD_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/** The basename of an uploaded file's name (either separator); `.`, `..` and empty are refused. */
function uploadName(filename: string): string {
  const name = filename.split(/[\\/]/).pop() ?? '';
  if (!name || name === '.' || name === '..' || name.includes('\0')) {
    throw new AgentHttpError('invalidPayload', 'Invalid file name');
  }
  return name;
}

function sinkOf(handle: FileHandle): PartSink {
  return {
    write: async (chunk) => {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
    },
    end: () => Promise.resolve(),
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'text/xml; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.zip': 'application/zip',
};

/** Go's http.ServeContent essentials: Last-Modified / If-Modified-Since, one byte range, a content type. */
function serveFile(path: string, st: Stats, req: IncomingMessage, res: ServerResponse): void {
  const lastModified = new Date(Math.floor(st.mtimeMs / 1000) * 1000);
  res.setHeader('Last-Modified', lastModified.toUTCString());
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream');
  const since = req.headers['if-modified-since'];
  if (since && !Number.isNaN(Date.parse(since)) && lastModified.getTime() <= Date.parse(since)) {
    res.writeHead(304).end();
    return;
  }
  let start = 0;
  let end = st.size - 1;
  let status = 200;
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && (range[1] || range[2])) {
    if (range[1]) {
      start = Number(range[1]);
      if (range[2]) end = Math.min(Number(range[2]), st.size - 1);
    } else {
      start = Math.max(0, st.size - Number(range[2]));
    }
    if (start > end || start >= st.size) {
      res.writeHead(416, { 'Content-Range': `bytes */${st.size}` }).end();
      return;
    }
    status = 206;
    res.setHeader('Content-Range', `bytes ${start}-${end}/${st.size}`);
  }
  res.writeHead(status, { 'Content-Length': st.size === 0 ? 0 : end - start + 1 });
  if (req.method === 'HEAD' || st.size === 0) {
    res.end();
    return;
  }
  const stream = createReadStream(path, { start, end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
