import { spawn } from 'node:child_process';
import { open, mkdir, readdir, rm, stat, writeFile, chmod, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Cron } from 'croner';
import type { EdgeAsyncCommand, EdgeSchedule } from '@capstan/contracts-agent';
import { parseEdgeCron } from '@capstan/contracts-api';
import type { AgentLogger } from '@capstan/agent-api';
import { refusalText, type EdgeServerClient } from './server-client';

/**
 * Who runs the jobs:
 * - `cron` (Portainer's model, the default): the host's cron daemon, from `<root>/etc/cron.d/portainer_agent`;
 * - `agent`: the agent itself, with croner, on the same schedule and into the same log files (a device without a
 *   cron daemon, or the agent running on the host itself); no cron.d file is written, so nothing runs twice;
 * - `both`: writes the cron file and runs the jobs — for tests, where `<root>` is a scratch directory no cron reads.
 */
export type EdgeJobRunner = 'cron' | 'agent' | 'both';

export interface EdgeJobsOptions {
  /** HOST_ROOT: where the host's root is mounted (`/host`); cron.d and the scripts are written under it. */
  readonly root: string;
  readonly runner: EdgeJobRunner;
  readonly log: AgentLogger;
  /** Sends a job's log to the server (`POST /api/endpoints/{id}/edge/jobs/{jobId}/logs`). */
  readonly upload: (jobId: number, content: string) => Promise<void>;
}

const CRON_FILE = 'etc/cron.d/portainer_agent';
const SCRIPTS = 'opt/portainer/scripts';
/** The server keeps 512 KiB per log; a longer log is sent as its tail. */
const MAX_LOG = 512 * 1024 - 64;
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The cron file for these schedules (agent protocol §5.8), paths as the host sees them. */
export function cronFile(schedules: readonly EdgeSchedule[]): string {
  const lines = [
    '# Managed by the Capstan edge agent (Portainer edge job format); changes are overwritten',
    'SHELL=/bin/sh',
    `PATH=${PATH}`,
    '',
    ...schedules.map((s) => {
      const script = `/${SCRIPTS}/schedule_${s.Id}`;
      return `${s.CronExpression} root ${script} > ${script}.log 2>&1`;
    }),
  ];
  return lines.join('\n') + '\n';
}

/**
 * The edge jobs of the poll's `schedules` (agent protocol §5.8): scripts written to
 * `<root>/opt/portainer/scripts/schedule_<id>` (0744), the cron file rewritten only when the set of ids or versions
 * changes (removed when empty), the jobs run by the host's cron or by the agent (`runner`), and a job's log sent
 * once when the server asks (`CollectLogs`).
 */
export class EdgeJobs {
  private signature = '';
  private readonly timers = new Map<number, { version: number; cron: Cron }>();
  /** Jobs whose log was sent for the current request (the flag stays set until the server's answer changes). */
  private readonly sent = new Set<number>();

  constructor(private readonly o: EdgeJobsOptions) {}

  private scriptPath(id: number): string {
    return join(this.o.root, SCRIPTS, `schedule_${id}`);
  }

  async apply(schedules: readonly EdgeSchedule[] | null | undefined): Promise<void> {
    // A server could send anything: only schedules a host cron runs safely are installed.
    const valid: EdgeSchedule[] = [];
    for (const s of schedules ?? []) {
      const cron = typeof s.CronExpression === 'string' ? parseEdgeCron(s.CronExpression) : undefined;
      if (
        cron?.ok &&
        Number.isInteger(s.Id) &&
        s.Id > 0 &&
        Number.isInteger(s.Version) &&
        typeof s.Script === 'string'
      )
        valid.push({ ...s, CronExpression: cron.expression });
      else this.o.log.warn(`edge job ${String(s.Id)}: invalid schedule ignored`);
    }
    const signature = valid.map((s) => `${s.Id}:${s.Version}`).join(',');
    if (signature !== this.signature) {
      await this.install(valid);
      this.signature = signature;
    }
    for (const s of valid) {
      if (!s.CollectLogs) {
        this.sent.delete(s.Id);
        continue;
      }
      if (this.sent.has(s.Id)) continue;
      try {
        await this.o.upload(s.Id, await this.readLog(s.Id));
        this.sent.add(s.Id);
      } catch (e) {
        this.o.log.warn(`edge job ${s.Id}: log upload failed: ${(e as Error).message}`);
      }
    }
  }

  stop(): void {
    for (const t of this.timers.values()) t.cron.stop();
    this.timers.clear();
  }

  private async install(schedules: readonly EdgeSchedule[]): Promise<void> {
    const dir = join(this.o.root, SCRIPTS);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const keep = new Set(schedules.map((s) => `schedule_${s.Id}`));
    for (const s of schedules) {
      const file = this.scriptPath(s.Id);
      const tmp = `${file}.tmp`;
      await writeFile(tmp, Buffer.from(s.Script, 'base64'), { mode: 0o744 });
      await chmod(tmp, 0o744);
      await rename(tmp, file);
    }
    // Scripts of jobs that left (their logs stay until the next job with the id overwrites them).
    for (const name of await readdir(dir).catch(() => [] as string[]))
      if (/^schedule_\d+$/.test(name) && !keep.has(name)) await rm(join(dir, name), { force: true });
    if (this.o.runner !== 'agent') await this.writeCronFile(schedules);
    if (this.o.runner !== 'cron') this.schedule(schedules);
    this.o.log.info(
      `edge jobs installed: ${schedules.map((s) => `${s.Id} v${s.Version}`).join(', ') || 'none'}`,
    );
  }

  private async writeCronFile(schedules: readonly EdgeSchedule[]): Promise<void> {
    const file = join(this.o.root, CRON_FILE);
    if (!schedules.length) {
      await rm(file, { force: true });
      return;
    }
    await mkdir(join(file, '..'), { recursive: true, mode: 0o755 });
    await writeFile(`${file}.tmp`, cronFile(schedules), { mode: 0o644 });
    await chmod(`${file}.tmp`, 0o644);
    await rename(`${file}.tmp`, file);
  }

  /** The agent's own runner: one croner job per schedule, replaced when its version changes. */
  private schedule(schedules: readonly EdgeSchedule[]): void {
    const wanted = new Map(schedules.map((s) => [s.Id, s]));
    for (const [id, t] of this.timers)
      if (wanted.get(id)?.Version !== t.version) {
        t.cron.stop();
        this.timers.delete(id);
      }
    for (const s of schedules) {
      if (this.timers.has(s.Id)) continue;
      const cron = new Cron(s.CronExpression, { protect: true, catch: true }, () => this.run(s.Id));
      this.timers.set(s.Id, { version: s.Version, cron });
    }
  }

  /** Runs a script as cron would: `/bin/sh -c <script> > <script>.log 2>&1` (the log truncated each run). */
  private async run(id: number): Promise<void> {
    const script = this.scriptPath(id);
    const log = await open(`${script}.log`, 'w', 0o644);
    try {
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn('/bin/sh', ['-c', `'${script.replace(/'/g, `'\\''`)}'`], {
          cwd: '/',
          env: { SHELL: '/bin/sh', PATH, HOME: '/root' },
          stdio: ['ignore', log.fd, log.fd],
        });
        child.on('error', () => resolve(null));
        child.on('close', resolve);
      });
      this.o.log.info(`edge job ${id}: ran (exit ${code ?? 'error'})`);
    } finally {
      await log.close();
    }
  }

  private async readLog(id: number): Promise<string> {
    const file = `${this.scriptPath(id)}.log`;
    const size = await stat(file).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0) return '';
    const handle = await open(file, 'r');
    try {
      const length = Math.min(size, MAX_LOG);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const text = buffer.toString('utf8');
      return size > MAX_LOG ? `[… ${size - MAX_LOG} earlier bytes not sent]\n${text}` : text;
    } finally {
      await handle.close();
    }
  }
}

/** `POST /api/endpoints/{id}/edge/jobs/{jobId}/logs {FileContent}` (§5.8); anything but 200 is an error. */
export async function sendJobLog(
  client: EdgeServerClient,
  environmentId: number,
  jobId: number,
  content: string,
): Promise<void> {
  const r = await client.request('POST', `/api/endpoints/${environmentId}/edge/jobs/${jobId}/logs`, {
    body: Buffer.from(JSON.stringify({ FileContent: content })),
    headers: { 'Content-Type': 'application/json' },
  });
  if (r.status !== 200) throw new Error(refusalText(r));
}

/**
 * Async mode (§5.10): `edgeJob` commands (`{ID, CollectLogs, CronExpression, ScriptFileContent, Version}`, keys in
 * any case) kept as the list of schedules — add/replace set one, remove drops it — then installed like the poll's.
 */
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function edgeJobCommands(jobs: EdgeJobs): (command: EdgeAsyncCommand) => Promise<void> {
  const schedules = new Map<number, EdgeSchedule>();
  return async (command) => {
    const v = Object.fromEntries(
      Object.entries((command.value ?? {}) as Record<string, unknown>).map(([k, x]) => [k.toLowerCase(), x]),
    );
    const id = v['id'];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1)
      throw new Error('edgeJob command without an ID');
    if (command.op === 'remove') schedules.delete(id);
    else
      schedules.set(id, {
        Id: id,
        CollectLogs: v['collectlogs'] === true,
        CronExpression: text(v['cronexpression']),
        Script: text(v['scriptfilecontent']),
        Version: Number(v['version'] ?? 0),
      });
    await jobs.apply([...schedules.values()].sort((a, b) => a.Id - b.Id));
  };
}
