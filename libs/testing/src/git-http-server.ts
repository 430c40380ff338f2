import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface GitHttpServerOptions {
  /** Directory holding the bare repositories (and the fixture's work trees); a fresh temp dir when absent. */
  root?: string;
  /** HTTP basic credentials every request must carry (401 with a challenge otherwise). */
  auth?: { username: string; password: string };
  /** Serve HTTPS with a throwaway self-signed certificate made with openssl (clients must skip verification or trust `certificate`). */
  tls?: boolean;
}

/** Where `git http-backend` lives: `tools/setup/git-server.sh` writes it; else git's exec path. */
export function gitHttpBackendPath(): string | undefined {
  const configured = process.env['CAPSTAN_TEST_GIT_HTTP_BACKEND'];
  if (configured && existsSync(configured)) return configured;
  try {
    const candidate = join(
      execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(),
      'git-http-backend',
    );
    return existsSync(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

const FIXTURE_GIT_ENV = {
  GIT_AUTHOR_NAME: 'capstan-test',
  GIT_AUTHOR_EMAIL: 'test@capstan.invalid',
  GIT_COMMITTER_NAME: 'capstan-test',
  GIT_COMMITTER_EMAIL: 'test@capstan.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

/**
 * A loopback git server for tests: bare repositories under `root`, served over HTTP(S) by the real
 * `git http-backend` (CGI, one process per request), with optional basic auth and TLS. `git clone`, `fetch`,
 * `ls-remote` and `push` work against it with the git binary. Repositories are seeded and changed with `commit`
 * (a work tree per repository beside the bare one, pushed by path).
 */
export class GitHttpServer {
  /** Requests answered so far (all paths), for benchmarks. */
  requests = 0;
  private constructor(
    readonly root: string,
    private readonly server: Server,
    readonly port: number,
    readonly scheme: 'http' | 'https',
    readonly certificate: string | undefined,
    private readonly ownsRoot: boolean,
  ) {}

  static async start(options: GitHttpServerOptions = {}): Promise<GitHttpServer> {
    const backend = gitHttpBackendPath();
    if (!backend) throw new Error('git http-backend not found: run tools/setup/git-server.sh');
    const ownsRoot = !options.root;
    const root = options.root ?? mkdtempSync(join(tmpdir(), 'capstan-git-'));
    mkdirSync(join(root, 'repos'), { recursive: true });
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      self.requests++;
      serveCgi(backend, join(root, 'repos'), options.auth, req, res);
    };
    let certificate: string | undefined;
    let server: Server;
    if (options.tls) {
      const material = selfSignedCertificate(join(root, 'tls'));
      certificate = material.cert;
      server = createHttpsServer({ cert: material.cert, key: material.key }, handler);
    } else {
      server = createHttpServer(handler);
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const self = new GitHttpServer(root, server, port, options.tls ? 'https' : 'http', certificate, ownsRoot);
    return self;
  }

  /** The clone URL of repository `name` (without credentials). */
  url(name: string): string {
    return `${this.scheme}://127.0.0.1:${this.port}/${name}.git`;
  }

  /** Creates the bare repository `name` with a first commit of `files` on `branch`; returns the commit hash. */
  createRepo(name: string, files: Record<string, string>, branch = 'main'): string {
    const bare = this.barePath(name);
    git(['init', '-q', '--bare', `--initial-branch=${branch}`, bare]);
    const work = this.workPath(name);
    git(['init', '-q', `--initial-branch=${branch}`, work]);
    git(['remote', 'add', 'origin', bare], work);
    return this.commit(name, files, 'initial', branch);
  }

  /**
   * Writes `files` (a `null` content deletes the file) into the repository's work tree, commits on `branch`
   * (created from the current one when new) and pushes it; returns the new commit hash.
   */
  commit(name: string, files: Record<string, string | null>, message = 'change', branch = 'main'): string {
    const work = this.workPath(name);
    const current = git(['symbolic-ref', '--short', 'HEAD'], work).trim();
    if (current !== branch) {
      const exists = git(['branch', '--list', branch], work).trim() !== '';
      git(exists ? ['checkout', '-q', branch] : ['checkout', '-q', '-b', branch], work);
    }
    for (const [path, content] of Object.entries(files)) {
      const file = join(work, path);
      if (content === null) {
        rmSync(file, { force: true });
      } else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
    git(['add', '-A'], work);
    git(['commit', '-q', '--allow-empty', '-m', message], work);
    git(['push', '-q', 'origin', branch], work);
    return git(['rev-parse', 'HEAD'], work).trim();
  }

  /** Tags the current head of `branch` (annotated when `message` is given) and pushes the tag. */
  tag(name: string, tag: string, message?: string): string {
    const work = this.workPath(name);
    git(message ? ['tag', '-a', tag, '-m', message] : ['tag', tag], work);
    git(['push', '-q', 'origin', tag], work);
    return git(['rev-parse', `${tag}^{commit}`], work).trim();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
  }

  private barePath(name: string): string {
    return join(this.root, 'repos', `${name}.git`);
  }
  private workPath(name: string): string {
    return join(this.root, 'work', name);
  }
}

function git(args: string[], cwd?: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...FIXTURE_GIT_ENV } });
}

function authorized(req: IncomingMessage, auth: GitHttpServerOptions['auth']): string | undefined {
  if (!auth) return 'anonymous';
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && user === auth.username && decoded.slice(colon + 1) === auth.password ? user : undefined;
}

/** Runs `git http-backend` for one request (RFC 3875 CGI): headers in as env, body piped, CGI headers parsed. */
function serveCgi(
  backend: string,
  projectRoot: string,
  auth: GitHttpServerOptions['auth'],
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const user = authorized(req, auth);
  if (!user) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="capstan-git"', 'Content-Type': 'text/plain' });
    res.end('authentication required\n');
    req.resume();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://git');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    // A user name enables receive-pack (push) in http-backend.
    REMOTE_USER: user,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    GATEWAY_INTERFACE: 'CGI/1.1',
  };
  if (req.headers['content-length']) env['CONTENT_LENGTH'] = req.headers['content-length'];
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') env[`HTTP_${key.toUpperCase().replace(/-/g, '_')}`] = value;
  }
  const child = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  child.stderr.resume();
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  child.on('close', () => {
    if (!headersDone) {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('git http-backend gave no headers\n');
    } else {
      res.end();
    }
  });
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
}

/** A throwaway self-signed certificate for 127.0.0.1, made with openssl into `dir`. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=capstan-test-git',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}
