import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';

/** A stack variable (Portainer's `Env` entry). */
export interface StackEnvVar {
  readonly name: string;
  readonly value: string;
}

/** One run of the docker CLI: its exit code and every line it wrote (stdout and stderr, in order). */
export interface RunResult {
  readonly code: number | null;
  readonly lines: string[];
  /** What the command wrote on stdout, as it wrote it (for output that is data, like `config --format json`). */
  readonly stdout: string;
  /** compose's own error: the last lines of stderr. */
  readonly message: string;
}

export interface RunOptions {
  readonly dockerHost: string;
  readonly cwd: string;
  readonly env: readonly StackEnvVar[];
  readonly onLine?: (line: string) => void;
  readonly timeoutMs?: number;
  /** A DOCKER_CONFIG directory for this run only (registry credentials); the server's own empty one otherwise. */
  readonly dockerConfig?: string;
}

const MAX_LINES = 2000;
const MAX_STDOUT = 8 * 1024 * 1024;

/**
 * Runs the docker CLI (`docker compose …`, `docker stack …`) with arguments as an array — no shell, so names,
 * paths and values are never interpreted — and an environment built from nothing: `DOCKER_HOST` (the
 * environment's local endpoint), `DOCKER_CONFIG` (the server's own, empty), `PATH`, and the stack's variables.
 * The server's own variables (its secrets) never reach compose's interpolation. Values with newlines or `$` are
 * passed as they are: the process environment is not parsed.
 */
export class DockerCli {
  constructor(
    private readonly docker: string,
    private readonly configDir: string,
  ) {}

  async run(args: readonly string[], o: RunOptions): Promise<RunResult> {
    await mkdir(this.configDir, { recursive: true, mode: 0o700 });
    await mkdir(o.cwd, { recursive: true, mode: 0o700 });
    const env: Record<string, string> = {};
    for (const v of o.env) env[v.name] = v.value;
    Object.assign(env, {
      PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: this.configDir,
      DOCKER_HOST: o.dockerHost,
      DOCKER_CONFIG: o.dockerConfig ?? this.configDir,
      DOCKER_CLI_HINTS: 'false',
      COMPOSE_ANSI: 'never',
      COMPOSE_STATUS_STDOUT: '0',
      COMPOSE_PROGRESS: 'plain',
      DOCKER_CLI_EXPERIMENTAL: 'enabled',
    });
    return new Promise<RunResult>((resolve) => {
      const lines: string[] = [];
      const errors: string[] = [];
      const out: Buffer[] = [];
      let outBytes = 0;
      const child = spawn(this.docker, args, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const timer =
        o.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
      const reader = (isErr: boolean) => {
        let rest = '';
        return (chunk: Buffer) => {
          const text = rest + chunk.toString('utf8');
          const parts = text.split(/\r?\n|\r/);
          rest = parts.pop() ?? '';
          for (const line of parts) emit(line, isErr);
        };
      };
      const emit = (line: string, isErr: boolean) => {
        if (line.trim() === '') return;
        if (lines.length < MAX_LINES) lines.push(line);
        if (isErr) errors.push(line);
        if (errors.length > 20) errors.shift();
        o.onLine?.(line);
      };
      const stdoutLines = reader(false);
      child.stdout.on('data', (chunk: Buffer) => {
        if (outBytes < MAX_STDOUT) out.push(chunk);
        outBytes += chunk.length;
        stdoutLines(chunk);
      });
      child.stderr.on('data', reader(true));
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        resolve({ code: null, lines, stdout: '', message: e.message });
      });
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({
          code,
          lines,
          stdout: Buffer.concat(out).toString('utf8'),
          message: errors.slice(-5).join('\n'),
        });
      });
    });
  }
}
