import { spawn } from 'node:child_process';
import { lstat, mkdir, readFile, realpath, rm } from 'node:fs/promises';
import { isAbsolute, join, posix, sep } from 'node:path';
import { GitError, GitFileTooLargeError } from './git.errors';

/** A repository and how to reach it. Credentials travel in git's environment, never on its command line. */
export interface GitRemote {
  url: string;
  username?: string;
  /** Password or access token. */
  password?: string;
  tlsSkipVerify?: boolean;
}

export interface GitClientOptions {
  /** The git binary (default `git` on PATH). */
  gitBinary?: string;
  /** Deadline of one git command, ms (default 60 s); the command's whole process group is killed after it. */
  timeoutMs?: number;
  /** Largest file `readFile` returns, bytes (default 2 MiB). */
  maxFileBytes?: number;
}

export interface CheckoutResult {
  /** The commit the working dir now holds. */
  commit: string;
}

const SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;
const MAX_OUTPUT = 16 * 1024 * 1024;

/** Checks a repository URL: http(s) only (git's `ext::`, `file://` and ssh transports stay out), no userinfo. */
export function checkRepositoryUrl(url: unknown): string {
  if (typeof url !== 'string' || url.length === 0)
    throw new GitError('invalid-url', 'Invalid repository URL', 'The URL is empty');
  if (url.length > 2048 || /[\s\0]/.test(url)) {
    throw new GitError('invalid-url', 'Invalid repository URL', 'The URL is too long or contains spaces');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GitError('invalid-url', 'Invalid repository URL', `Not a URL: ${url.slice(0, 200)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new GitError(
      'invalid-url',
      'Invalid repository URL',
      'Only http:// and https:// repositories are supported',
    );
  }
  if (parsed.username || parsed.password) {
    throw new GitError(
      'invalid-url',
      'Invalid repository URL',
      'Put the credentials in the username and password fields, not in the URL',
    );
  }
  return url;
}

/**
 * A reference as the API takes it: empty (the remote's HEAD), a branch or tag name (`main`, `v1`), a full ref
 * (`refs/heads/main`, `refs/tags/v1`) or a commit hash. Git's own ref-name rules, and never an option.
 */
export function checkReference(reference: unknown): string {
  if (reference === undefined || reference === null || reference === '') return '';
  if (
    typeof reference !== 'string' ||
    reference.length > 255 ||
    reference.startsWith('-') ||
    reference.startsWith('/') ||
    reference.endsWith('/') ||
    reference.endsWith('.lock') ||
    reference.endsWith('.') ||
    reference.includes('..') ||
    reference.includes('@{') ||
    reference.includes('//') ||
    /[\0-\x20\x7f~^:?*[\\]/.test(reference)
  ) {
    throw new GitError(
      'reference',
      'Invalid git reference',
      `Not a branch, tag or commit: ${typeof reference === 'string' ? reference.slice(0, 100) : typeof reference}`,
    );
  }
  return reference;
}

/**
 * A path inside a repository, as stacks and templates name their files: relative, `/`-separated, no `..`, not
 * into `.git`. Returns the normalised path.
 */
export function checkRepositoryPath(path: unknown): string {
  if (typeof path !== 'string' || path.length === 0 || path.length > 1024 || path.includes('\0')) {
    throw new GitError(
      'path',
      'Invalid file path',
      'The path must be a non-empty relative path inside the repository',
    );
  }
  const normalised = posix.normalize(path.replace(/\\/g, '/'));
  const segments = normalised.split('/');
  if (
    isAbsolute(path) ||
    path.startsWith('/') ||
    segments.includes('..') ||
    segments[0] === '.git' ||
    normalised === '.' ||
    normalised.endsWith('/')
  ) {
    throw new GitError(
      'path',
      'Invalid file path',
      `The path must stay inside the repository: ${path.slice(0, 200)}`,
    );
  }
  return normalised;
}

/**
 * The git binary as a library: shallow fetches of one reference into a working dir, `ls-remote` for a
 * reference's latest commit, bounded reads of files inside the checkout. Every command runs with a clean git
 * environment (no system/global config, no prompts, no hooks, http(s) transports only), a deadline and capped
 * output; credentials go in `GIT_CONFIG_*` environment variables as an `Authorization` header.
 */
export class GitClient {
  private readonly git: string;
  private readonly timeoutMs: number;
  readonly maxFileBytes: number;

  constructor(options: GitClientOptions = {}) {
    this.git = options.gitBinary ?? 'git';
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxFileBytes = options.maxFileBytes ?? 2 * 1024 * 1024;
  }

  /** The commit `reference` points at on the remote (annotated tags peeled); a commit hash is returned as is. */
  async latestCommit(remote: GitRemote, reference = ''): Promise<string> {
    const url = checkRepositoryUrl(remote.url);
    const ref = checkReference(reference);
    if (SHA.test(ref)) return ref;
    const out = await this.run(['ls-remote', url], { remote });
    const refs = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [hash, name] = line.split('\t');
      if (hash && name) refs.set(name, hash);
    }
    const candidates =
      ref === '' || ref === 'HEAD'
        ? ['HEAD']
        : ref.startsWith('refs/')
          ? [ref]
          : [`refs/heads/${ref}`, `refs/tags/${ref}`];
    for (const name of candidates) {
      const hash = refs.get(`${name}^{}`) ?? refs.get(name);
      if (hash) return hash;
    }
    throw new GitError(
      'reference',
      'Git reference not found',
      `The repository has no branch or tag ${ref || 'HEAD'}`,
    );
  }

  /**
   * Makes `dir` hold exactly `reference` of the remote (depth 1, detached, untracked files removed): a fresh
   * `git init` when `dir` is not a repository yet, else a fetch into the existing one.
   */
  async checkout(remote: GitRemote, reference: string, dir: string): Promise<CheckoutResult> {
    const url = checkRepositoryUrl(remote.url);
    const ref = checkReference(reference) || 'HEAD';
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const isRepo = await lstat(join(dir, '.git')).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isRepo) await this.run(['init', '-q', dir]);
    await this.run(['fetch', '-q', '--depth', '1', '--no-tags', url, ref], { remote, cwd: dir });
    await this.run(['checkout', '-q', '-f', '--detach', 'FETCH_HEAD'], { cwd: dir });
    await this.run(['clean', '-q', '-ffdx'], { cwd: dir });
    const commit = (await this.run(['rev-parse', 'HEAD'], { cwd: dir })).trim();
    return { commit };
  }

  /** The file at `path` inside the checkout `dir`, as UTF-8, at most `maxBytes` (413 above). */
  async readFile(dir: string, path: string, maxBytes = this.maxFileBytes): Promise<string> {
    const relative = checkRepositoryPath(path);
    const root = await realpath(dir);
    const full = join(root, ...relative.split('/'));
    const info = await lstat(full).catch(() => undefined);
    if (!info?.isFile()) {
      throw new GitError('file', 'File not found in the repository', `No file ${relative} at this reference`);
    }
    // Symlinks are checked out as plain files (core.symlinks=false); a parent dir still must not lead outside.
    const resolved = await realpath(full);
    if (!resolved.startsWith(root + sep)) {
      throw new GitError(
        'path',
        'Invalid file path',
        `The path must stay inside the repository: ${relative}`,
      );
    }
    if (info.size > maxBytes) {
      throw new GitFileTooLargeError(
        'File too large',
        `${relative} is ${info.size} bytes; the limit is ${maxBytes}`,
      );
    }
    return readFile(resolved, 'utf8');
  }

  /** The files tracked in the checkout `dir` (relative, `/`-separated). */
  async listFiles(dir: string): Promise<string[]> {
    const out = await this.run(['ls-files', '-z'], { cwd: dir });
    return out.split('\0').filter((name) => name.length > 0);
  }

  /** Removes a working dir made by `checkout`. */
  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  /**
   * A unified diff of two local files or directories (`git diff --no-index`, no network), paths relative to
   * `cwd` as given; '' when they are equal. Used to compare stored stack versions.
   */
  async diffPaths(cwd: string, a: string, b: string): Promise<string> {
    return this.run(['diff', '--no-index', '--no-color', '--no-ext-diff', '--no-renames', '--', a, b], {
      cwd,
      okCodes: [0, 1],
    });
  }

  private run(
    args: string[],
    options: { remote?: GitRemote; cwd?: string; okCodes?: readonly number[] } = {},
  ): Promise<string> {
    const env = gitEnvironment(options.remote);
    return new Promise((resolve, reject) => {
      const child = spawn(this.git, args, {
        cwd: options.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // its own process group: the deadline kills git-remote-http too
      });
      const out: Buffer[] = [];
      let outBytes = 0;
      let err = '';
      let timedOut = false;
      let overflow = false;
      const killGroup = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, this.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > MAX_OUTPUT) {
          overflow = true;
          killGroup();
          return;
        }
        out.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (err.length < 16_384) err += chunk.toString('utf8');
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new GitError('git', 'Git is not available on the server', e.message));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (timedOut) {
          reject(
            new GitError(
              'timeout',
              'Git operation timed out',
              `No answer within ${Math.round(this.timeoutMs / 1000)} s`,
            ),
          );
        } else if (overflow) {
          reject(new GitError('git', 'Git answer too large', `More than ${MAX_OUTPUT} bytes`));
        } else if (!(options.okCodes ?? [0]).includes(code ?? -1)) {
          reject(classify(redact(err, options.remote)));
        } else {
          resolve(Buffer.concat(out).toString('utf8'));
        }
      });
    });
  }
}

/** git's environment: nothing from the host's git config, no prompts, and the caller's remote settings. */
function gitEnvironment(remote: GitRemote | undefined): NodeJS.ProcessEnv {
  const config: [string, string][] = [
    ['core.hooksPath', '/dev/null'],
    ['core.symlinks', 'false'],
    ['credential.helper', ''],
    ['protocol.version', '2'],
    ['advice.detachedHead', 'false'],
    ['init.defaultBranch', 'main'],
    ['http.lowSpeedLimit', '1'],
    ['http.lowSpeedTime', '30'],
  ];
  if (remote?.tlsSkipVerify) config.push(['http.sslVerify', 'false']);
  if (remote?.username || remote?.password) {
    const basic = Buffer.from(`${remote.username ?? ''}:${remote.password ?? ''}`, 'utf8').toString('base64');
    config.push(['http.extraHeader', `Authorization: Basic ${basic}`]);
    // The header goes to every URL of the fetch: a redirect must not carry it to another host.
    config.push(['http.followRedirects', 'false']);
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_ALLOW_PROTOCOL: 'http:https',
    GIT_CONFIG_COUNT: String(config.length),
  };
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

function redact(stderr: string, remote: GitRemote | undefined): string {
  let text = stderr;
  for (const secret of [remote?.password, remote?.username]) {
    if (secret && secret.length >= 3) text = text.split(secret).join('***');
  }
  return text.replace(/Authorization:[^\n]*/gi, 'Authorization: ***');
}

/** git's message (LANG=C) to the caller's mistake it names. */
function classify(stderr: string): GitError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const detail = (
    lines.filter((l) => /^(fatal|error):/.test(l)).join(' ') ||
    lines.join(' ') ||
    'git failed'
  ).slice(0, 500);
  if (
    /Authentication failed|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]/i.test(
      stderr,
    )
  ) {
    return new GitError('authentication', 'Authentication failed: wrong git username or password', detail);
  }
  if (
    /SSL certificate|certificate verify|server certificate verification|self[- ]signed certificate|unable to get local issuer/i.test(
      stderr,
    )
  ) {
    return new GitError(
      'tls',
      'The git server certificate is not trusted (set TLSSkipVerify to skip verification)',
      detail,
    );
  }
  if (
    /couldn't find remote ref|not our ref|no such remote ref|Remote branch .* not found|unadvertised object/i.test(
      stderr,
    )
  ) {
    return new GitError('reference', 'Git reference not found', detail);
  }
  if (
    /Could not resolve host|Failed to connect|Connection refused|Connection timed out|timed out|Empty reply|returned error: 404|repository '.*' not found|not found|Operation too slow|Could not connect|redirect/i.test(
      stderr,
    )
  ) {
    return new GitError('unreachable', 'Git repository unreachable', detail);
  }
  return new GitError('git', 'Git operation failed', detail);
}
