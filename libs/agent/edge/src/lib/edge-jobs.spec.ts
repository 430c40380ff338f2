import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EdgeSchedule } from '@capstan/contracts-agent';
import { silentLogger } from '@capstan/agent-api';
import { EdgeJobs, cronFile, type EdgeJobRunner } from './edge-jobs';

const schedule = (id: number, over: Partial<EdgeSchedule> = {}): EdgeSchedule => ({
  Id: id,
  CollectLogs: false,
  CronExpression: '*/5 * * * *',
  Script: Buffer.from(`echo job ${id}\n`).toString('base64').replace(/=+$/, ''),
  Version: 1,
  ...over,
});

function setup(runner: EdgeJobRunner = 'cron') {
  const root = mkdtempSync(join(tmpdir(), 'capstan-edge-jobs-'));
  const uploads: { jobId: number; content: string }[] = [];
  let fail = false;
  const jobs = new EdgeJobs({
    root,
    runner,
    log: silentLogger,
    upload: (jobId, content) => {
      if (fail) return Promise.reject(new Error('server down'));
      uploads.push({ jobId, content });
      return Promise.resolve();
    },
  });
  const cron = join(root, 'etc/cron.d/portainer_agent');
  const script = (id: number) => join(root, 'opt/portainer/scripts', `schedule_${id}`);
  return { root, jobs, uploads, cron, script, failUploads: (f: boolean) => (fail = f) };
}

describe('EdgeJobs (agent protocol §5.8)', () => {
  it('writes the scripts (0744) and the cron file (0644) in Portainer format', async () => {
    const t = setup();
    await t.jobs.apply([schedule(3), schedule(7, { CronExpression: '0 12 * * 1-5' })]);
    expect(readFileSync(t.script(3), 'utf8')).toBe('echo job 3\n');
    expect(statSync(t.script(3)).mode & 0o777).toBe(0o744);
    expect(statSync(t.cron).mode & 0o777).toBe(0o644);
    const text = readFileSync(t.cron, 'utf8');
    expect(text).toBe(cronFile([schedule(3), schedule(7, { CronExpression: '0 12 * * 1-5' })]));
    expect(text).toContain('SHELL=/bin/sh\nPATH=');
    expect(text).toContain(
      '*/5 * * * * root /opt/portainer/scripts/schedule_3 > /opt/portainer/scripts/schedule_3.log 2>&1\n',
    );
    expect(text).toContain('0 12 * * 1-5 root /opt/portainer/scripts/schedule_7');
  });

  it('rewrites only when ids or versions change, and removes everything when the list empties', async () => {
    const t = setup();
    await t.jobs.apply([schedule(3)]);
    writeFileSync(t.cron, 'edited by hand\n');
    await t.jobs.apply([schedule(3)]);
    expect(readFileSync(t.cron, 'utf8')).toBe('edited by hand\n');
    await t.jobs.apply([schedule(3, { Version: 2, Script: Buffer.from('echo v2').toString('base64') })]);
    expect(readFileSync(t.script(3), 'utf8')).toBe('echo v2');
    expect(readFileSync(t.cron, 'utf8')).toContain('schedule_3');
    await t.jobs.apply([]);
    expect(existsSync(t.cron)).toBe(false);
    expect(existsSync(t.script(3))).toBe(false);
  });

  it('refuses schedules a host cron would misread (a line break could add a root cron line)', async () => {
    const t = setup();
    await t.jobs.apply([
      schedule(1, { CronExpression: '* * * * *\n* * * * * root rm -rf /' }),
      schedule(2, { CronExpression: 'L * * * *' }),
      schedule(4, { CronExpression: '30 * * * * *' }),
    ]);
    const text = readFileSync(t.cron, 'utf8');
    expect(text).not.toContain('rm -rf');
    expect(text).not.toContain('schedule_1');
    expect(text).not.toContain('schedule_2 ');
    // A six-field expression loses its seconds before it reaches the cron file.
    expect(text).toContain('* * * * * root /opt/portainer/scripts/schedule_4 ');
  });

  it('sends a log once per request, again after a new request, and retries a failed upload', async () => {
    const t = setup();
    await t.jobs.apply([schedule(3)]);
    writeFileSync(`${t.script(3)}.log`, 'first run\n');
    await t.jobs.apply([schedule(3, { CollectLogs: true })]);
    await t.jobs.apply([schedule(3, { CollectLogs: true })]);
    expect(t.uploads).toEqual([{ jobId: 3, content: 'first run\n' }]);
    await t.jobs.apply([schedule(3)]);
    t.failUploads(true);
    await t.jobs.apply([schedule(3, { CollectLogs: true })]);
    t.failUploads(false);
    await t.jobs.apply([schedule(3, { CollectLogs: true })]);
    expect(t.uploads).toHaveLength(2);
    // No log yet: an empty one (Portainer).
    await t.jobs.apply([schedule(3), schedule(5, { CollectLogs: true })]);
    expect(t.uploads[2]).toEqual({ jobId: 5, content: '' });
  });

  it('sends the tail of a long log', async () => {
    const t = setup();
    await t.jobs.apply([schedule(3)]);
    writeFileSync(`${t.script(3)}.log`, 'x'.repeat(600 * 1024) + 'END');
    await t.jobs.apply([schedule(3, { CollectLogs: true })]);
    const sent = t.uploads[0]?.content ?? '';
    expect(sent.endsWith('END')).toBe(true);
    expect(sent).toMatch(/^\[… \d+ earlier bytes not sent\]\n/);
    expect(Buffer.byteLength(sent)).toBeLessThanOrEqual(512 * 1024);
  });

  it('runner "agent": no cron file; the script runs like cron would, its output in the log', async () => {
    const t = setup('agent');
    await t.jobs.apply([
      schedule(9, { Script: Buffer.from('echo out; echo err >&2; exit 3').toString('base64') }),
    ]);
    expect(existsSync(t.cron)).toBe(false);
    // The croner job exists; run it now rather than waiting for the minute.
    await (t.jobs as unknown as { run(id: number): Promise<void> }).run(9);
    expect(readFileSync(`${t.script(9)}.log`, 'utf8')).toBe('out\nerr\n');
    t.jobs.stop();
  });
});

describe('edgeJobCommands (async mode)', () => {
  it('keeps the schedule list from add/replace/remove commands, keys in any case', async () => {
    const t = setup();
    const handle = (await import('./edge-jobs')).edgeJobCommands(t.jobs);
    const cmd = (op: 'add' | 'replace' | 'remove', value: unknown) =>
      handle({ id: 1, type: 'edgeJob', endpointID: 2, timestamp: '', op, path: '/edgejobs/3', value });
    await cmd('add', {
      ID: 3,
      CollectLogs: false,
      CronExpression: '0 * * * *',
      ScriptFileContent: 'ZWNobyBh',
      Version: 1,
    });
    await cmd('add', { id: 4, cronexpression: '@daily', scriptfilecontent: 'ZWNobyBi', version: 1 });
    expect(readFileSync(t.cron, 'utf8')).toMatch(
      /0 \* \* \* \* root .*schedule_3 .*\n@daily root .*schedule_4 /,
    );
    await cmd('replace', { ID: 3, CronExpression: '5 * * * *', ScriptFileContent: 'ZWNobyBj', Version: 2 });
    expect(readFileSync(t.script(3), 'utf8')).toBe('echo c');
    await cmd('remove', { ID: 3 });
    expect(readFileSync(t.cron, 'utf8')).not.toContain('schedule_3');
    await expect(cmd('add', { CronExpression: '@daily' })).rejects.toThrow(/ID/);
  });
});
