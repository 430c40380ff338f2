/**
 * Edge jobs end to end on real processes: the built server and the built agent in edge mode on loopback. The
 * agent writes the cron file and the scripts under a scratch HOST_ROOT (no cron daemon reads it) and, with
 * EDGE_JOB_RUNNER=both, also runs the jobs itself with croner — so a job really runs on its minute here, and its
 * log is collected through the server. A second edge environment is polled by hand as a Portainer-style agent.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_HEADERS } from '@capstan/contracts-agent';
import { TestServer } from '@capstan/testing';
import { AGENT_MAIN } from './support/agent';
import { startEdgeAgent, until, type EdgeAgentProcess } from './support/edge-agent';
import { addSocketEnvironment, createUser, expectApiError, initAdmin } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasAgent = existsSync(AGENT_MAIN);
const hasDocker = existsSync(SOCKET);
if ((!hasAgent || !hasDocker) && process.env['CI'] === 'true')
  throw new Error(`CI needs the built agent (${AGENT_MAIN}) and a Docker engine on ${SOCKET}`);
const skipReason = !hasAgent ? `${AGENT_MAIN} not built` : !hasDocker ? `no Docker engine on ${SOCKET}` : '';

interface Job {
  Id: number;
  Name: string;
  CronExpression: string;
  Recurring: boolean;
  Version: number;
  Endpoints: Record<string, { LogsStatus: number; CollectLogs: boolean }>;
  EdgeGroups: number[];
  NextRun?: number;
}
interface Task {
  Id: string;
  EndpointId: number;
  LogsStatus: number;
  LogsSize: number;
}
interface Poll {
  schedules: { Id: number; CollectLogs: boolean; CronExpression: string; Script: string; Version: number }[];
}

describe.skipIf(skipReason !== '')(`edge jobs (${skipReason || 'real server and edge agent'})`, () => {
  let server: TestServer;
  let admin: string;
  let deviceA: number;
  let deviceB: number;
  let plain: number;
  let agent: EdgeAgentProcess | undefined;
  const hostRoot = mkdtempSync(join(tmpdir(), 'capstan-edge-host-'));
  const edgeA = `edge-jobs-a-${process.pid}`;
  const edgeB = `edge-jobs-b-${process.pid}`;
  let job: Job;

  const api = <T>(method: string, path: string, body?: unknown) =>
    server.request<T>(method, path, { token: admin, ...(body === undefined ? {} : { body }) });
  const jobs = async () => (await api<Job[]>('GET', '/api/edge_jobs')).body;
  const pollB = async () =>
    server.request<Poll>('GET', `/api/endpoints/${deviceB}/edge/status`, {
      headers: { [EDGE_HEADERS.edgeId]: edgeB },
    });
  const scripts = join(hostRoot, 'opt/portainer/scripts');
  const cronFile = join(hostRoot, 'etc/cron.d/portainer_agent');
  const upload = (env: number, jobId: number, edgeId: string | undefined, content: string) =>
    server.request('POST', `/api/endpoints/${env}/edge/jobs/${jobId}/logs`, {
      headers: edgeId ? { [EDGE_HEADERS.edgeId]: edgeId } : {},
      body: { FileContent: content },
    });
  const createFile = async (fields: Record<string, string>, script: string) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    f.append('file', new Blob([script]), 'job.sh');
    const r = await fetch(`${server.baseUrl}/api/edge_jobs/create/file`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}` },
      body: f,
    });
    const text = await r.text();
    return { status: r.status, text, body: text ? (JSON.parse(text) as Job) : undefined };
  };

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await initAdmin(server);
    const edgeEnv = async (name: string) =>
      (
        await api<{ Id: number }>('POST', '/api/endpoints', {
          Name: name,
          EndpointCreationType: 4,
          URL: server.baseUrl,
          EdgeCheckinInterval: 1,
        })
      ).body.Id;
    deviceA = await edgeEnv('jobs-device-a');
    deviceB = await edgeEnv('jobs-device-b');
    plain = await addSocketEnvironment(server, admin, { url: `unix://${SOCKET}` });
    // Device B: a Portainer-style agent, polled by hand (binds its edge id, no Capstan secret).
    expect((await pollB()).status).toBe(200);
    const key = (await api<{ EdgeKey: string }>('GET', `/api/endpoints/${deviceA}`)).body.EdgeKey;
    agent = await startEdgeAgent({
      EDGE_ID: edgeA,
      EDGE_KEY: key,
      HOST_ROOT: hostRoot,
      EDGE_JOB_RUNNER: 'both',
    });
    await until('device A to be bound', async () =>
      (await api<{ EdgeID: string }>('GET', `/api/endpoints/${deviceA}`)).body.EdgeID === edgeA
        ? true
        : undefined,
    );
  });

  afterAll(async () => {
    agent?.proc.kill('SIGKILL');
    await server.dispose();
  });

  it('refuses bad input and creates nothing', async () => {
    const good = {
      Name: 'nightly',
      CronExpression: '* * * * *',
      Recurring: true,
      Endpoints: [deviceA],
      FileContent: 'echo hi',
    };
    const cases: [unknown, number, RegExp][] = [
      [{ ...good, CronExpression: '61 * * * *' }, 400, /cron/i],
      [{ ...good, CronExpression: 'L * * * *' }, 400, /cron/i],
      [{ ...good, CronExpression: '* * * * *\n* * * * * root sh' }, 400, /cron/i],
      [{ ...good, CronExpression: '0 0 31 2 *' }, 400, /never runs/],
      [{ ...good, Recurring: false }, 400, /once/],
      [{ ...good, FileContent: 'x'.repeat(64 * 1024 + 1) }, 413, /too large/i],
      [{ ...good, FileContent: '   ' }, 400, /script/i],
      [{ ...good, EdgeGroups: [987654] }, 400, /edge group/i],
      [{ ...good, Endpoints: [987654] }, 400, /Unknown environment/],
      [{ ...good, Endpoints: [plain] }, 400, /Not edge environments/],
      [{ ...good, Endpoints: [] }, 400, /at least one/],
      [{ ...good, Endpoints: ['1'] }, 400, /Endpoints/],
      [{ ...good, Name: '../etc' }, 400, /name/i],
      [{ ...good, CronExpression: 5 }, 400, /CronExpression/],
    ];
    for (const [body, status, message] of cases) {
      const r = await api('POST', '/api/edge_jobs/create/string', body);
      expect(r.status, `${JSON.stringify(body).slice(0, 120)} → ${r.text}`).toBe(status);
      expect(r.text).toMatch(message);
    }
    expectApiError(await api('POST', '/api/edge_jobs/create/yaml', good), 400);
    const big = await createFile(
      { Name: 'big', CronExpression: '* * * * *', Endpoints: `[${deviceA}]` },
      'x'.repeat(70_000),
    );
    expect(big.status, big.text).toBe(413);
    const badForm = await createFile({ Name: 'f', CronExpression: '* * * * *', Endpoints: 'nope' }, 'echo');
    expect(badForm.status, badForm.text).toBe(400);
    expect(await jobs()).toEqual([]);
    expect((await pollB()).body.schedules).toEqual([]);
  });

  it('creates a job for device A; only A is told', async () => {
    const r = await api<Job>('POST', '/api/edge_jobs/create/string', {
      name: 'every-minute',
      cronexpression: '0 * * * * *',
      recurring: true,
      endpoints: [deviceA],
      filecontent: '#!/bin/sh\necho "edge job ran as $(id -u) at $(date +%s)"\n',
    });
    expect(r.status, r.text).toBe(200);
    job = r.body;
    expect(job).toMatchObject({
      Name: 'every-minute',
      CronExpression: '* * * * *',
      Recurring: true,
      Version: 1,
      EdgeGroups: [],
      Endpoints: { [String(deviceA)]: { LogsStatus: 1, CollectLogs: false } },
    });
    expect(job.NextRun).toBeGreaterThan(Date.now() / 1000);
    expect(
      (await api<{ FileContent: string }>('GET', `/api/edge_jobs/${job.Id}/file`)).body.FileContent,
    ).toContain('edge job ran');
    expect((await pollB()).body.schedules).toEqual([]);
    const tasks = (await api<Task[]>('GET', `/api/edge_jobs/${job.Id}/tasks`)).body;
    expect(tasks).toEqual([
      expect.objectContaining({
        Id: `edgejob_task_${job.Id}_${deviceA}`,
        EndpointId: deviceA,
        LogsStatus: 1,
      }),
    ]);
  });

  it('the agent installs it in the cron file and runs it on its minute', async () => {
    await until('the cron file', () =>
      Promise.resolve(
        existsSync(cronFile) && readFileSync(cronFile, 'utf8').includes(`schedule_${job.Id}`)
          ? true
          : undefined,
      ),
    );
    expect(readFileSync(cronFile, 'utf8')).toContain(
      `* * * * * root /opt/portainer/scripts/schedule_${job.Id} > /opt/portainer/scripts/schedule_${job.Id}.log 2>&1`,
    );
    expect(readFileSync(join(scripts, `schedule_${job.Id}`), 'utf8')).toContain('edge job ran');
    await until(
      'the job to run',
      () => {
        const log = join(scripts, `schedule_${job.Id}.log`);
        return Promise.resolve(
          existsSync(log) && /edge job ran/.test(readFileSync(log, 'utf8')) ? true : undefined,
        );
      },
      75_000,
    );
  }, 90_000);

  it('collects the log on request', async () => {
    const r = await api('POST', `/api/edge_jobs/${job.Id}/tasks/${deviceA}/logs`);
    expect(r.status, r.text).toBe(204);
    await until(
      'the log to be collected',
      async () => {
        const tasks = (await api<Task[]>('GET', `/api/edge_jobs/${job.Id}/tasks`)).body;
        return tasks[0]?.LogsStatus === 3 ? true : undefined;
      },
      20_000,
    );
    const logs = await api<{ FileContent: string }>('GET', `/api/edge_jobs/${job.Id}/tasks/${deviceA}/logs`);
    expect(logs.body.FileContent).toMatch(/^edge job ran as \d+ at \d+\n$/);
    const inspected = (await api<Job>('GET', `/api/edge_jobs/${job.Id}`)).body;
    expect(inspected.Endpoints[String(deviceA)]).toEqual({ LogsStatus: 3, CollectLogs: false });
  });

  it('refuses log uploads from another device, an environment not targeted, or without an edge id', async () => {
    const before = (
      await api<{ FileContent: string }>('GET', `/api/edge_jobs/${job.Id}/tasks/${deviceA}/logs`)
    ).body.FileContent;
    // B's edge id on A's environment, B for a job that does not target it, no edge id, a wrong one.
    expectApiError(await upload(deviceA, job.Id, edgeB, 'forged'), 403, /authenticate/);
    expectApiError(await upload(deviceB, job.Id, edgeB, 'forged'), 403, /not a target/);
    expectApiError(await upload(deviceA, job.Id, undefined, 'forged'), 403);
    expectApiError(await upload(deviceA, job.Id, 'edge-someone-else', 'forged'), 403);
    expectApiError(await upload(deviceB, 987654, edgeB, 'forged'), 404);
    expectApiError(await upload(deviceB, job.Id, edgeB, 'x'.repeat(600 * 1024)), 413);
    const after = (
      await api<{ FileContent: string }>('GET', `/api/edge_jobs/${job.Id}/tasks/${deviceA}/logs`)
    ).body.FileContent;
    expect(after).toBe(before);
    // Nothing was recorded for B, and asking B's log of this job is a 404.
    expect(
      (await api<Task[]>('GET', `/api/edge_jobs/${job.Id}/tasks`)).body.map((t) => t.EndpointId),
    ).toEqual([deviceA]);
    expectApiError(await api('POST', `/api/edge_jobs/${job.Id}/tasks/${deviceB}/logs`), 404);
    expectApiError(await api('GET', `/api/edge_jobs/${job.Id}/tasks/not-a-task/logs`), 400);
  });

  it('an update bumps the version and reaches the agent; a Portainer-style device added later gets it', async () => {
    const r = await api<Job>('PUT', `/api/edge_jobs/${job.Id}`, {
      FileContent: 'echo version two',
      Endpoints: [deviceA, deviceB],
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.Version).toBe(2);
    await until('the new script', () =>
      Promise.resolve(
        readFileSync(join(scripts, `schedule_${job.Id}`), 'utf8') === 'echo version two' ? true : undefined,
      ),
    );
    const b = (await pollB()).body.schedules;
    expect(b).toEqual([
      {
        Id: job.Id,
        CollectLogs: false,
        CronExpression: '* * * * *',
        Script: Buffer.from('echo version two').toString('base64').replace(/=+$/, ''),
        Version: 2,
      },
    ]);
    // A name-only change keeps the version (the agent has nothing to reinstall).
    expect((await api<Job>('PUT', `/api/edge_jobs/${job.Id}`, { Name: 'renamed' })).body.Version).toBe(2);
    // Bad updates change nothing.
    expectApiError(await api('PUT', `/api/edge_jobs/${job.Id}`, { CronExpression: '* * *' }), 400);
    expectApiError(await api('PUT', `/api/edge_jobs/${job.Id}`, { Endpoints: [plain] }), 400);
    expect((await api<Job>('GET', `/api/edge_jobs/${job.Id}`)).body).toMatchObject({
      Version: 2,
      Name: 'renamed',
    });
  });

  it('targets an edge group: its members get the job, the group cannot be deleted while used', async () => {
    const g = await api<{ Id: number }>('POST', '/api/edge_groups', {
      Name: 'jobs-group-b',
      Dynamic: false,
      Endpoints: [deviceB],
    });
    expect(g.status, g.text).toBe(200);
    const r = await api<Job>('POST', '/api/edge_jobs/create/string', {
      Name: 'via-group',
      CronExpression: '@daily',
      EdgeGroups: [g.body.Id],
      FileContent: 'echo group',
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ EdgeGroups: [g.body.Id], Endpoints: {} });
    expect((await pollB()).body.schedules.map((s) => s.Id)).toContain(r.body.Id);
    const tasks = (await api<Task[]>('GET', `/api/edge_jobs/${r.body.Id}/tasks`)).body;
    expect(tasks).toEqual([expect.objectContaining({ EndpointId: deviceB, Explicit: false })]);
    // Log collection for a group member is kept in GroupLogsCollection.
    expect((await api('POST', `/api/edge_jobs/${r.body.Id}/tasks/${deviceB}/logs`)).status).toBe(204);
    expect(
      (
        await api<Job & { GroupLogsCollection: Record<string, unknown> }>(
          'GET',
          `/api/edge_jobs/${r.body.Id}`,
        )
      ).body.GroupLogsCollection,
    ).toEqual({ [String(deviceB)]: { LogsStatus: 2, CollectLogs: true } });
    expect((await pollB()).body.schedules.find((s) => s.Id === r.body.Id)?.CollectLogs).toBe(true);
    expectApiError(await api('DELETE', `/api/edge_groups/${g.body.Id}`), 409);
    // Device B leaves the group: the job leaves its poll.
    expect(
      (
        await api('PUT', `/api/edge_groups/${g.body.Id}`, {
          Name: 'jobs-group-b',
          Dynamic: false,
          Endpoints: [],
        })
      ).status,
    ).toBe(200);
    await until('the job to leave B', async () =>
      (await pollB()).body.schedules.some((s) => s.Id === r.body.Id) ? undefined : true,
    );
  });

  it('a job from a file runs once at a moment; deleting jobs empties the cron file', async () => {
    const at = new Date(Date.now() + 3 * 60_000);
    const r = await createFile(
      {
        Name: 'once',
        CronExpression: `${at.getMinutes()} ${at.getHours()} ${at.getDate()} ${at.getMonth() + 1} *`,
        Recurring: 'false',
        Endpoints: `[${deviceB}]`,
      },
      'echo once',
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body?.Recurring).toBe(false);
    expect((await pollB()).body.schedules.map((s) => s.Id)).toEqual([job.Id, r.body?.Id]);
    for (const j of await jobs()) expect((await api('DELETE', `/api/edge_jobs/${j.Id}`)).status).toBe(204);
    expect(await jobs()).toEqual([]);
    expect((await pollB()).body.schedules).toEqual([]);
    await until('the cron file to go', () => Promise.resolve(existsSync(cronFile) ? undefined : true));
    expectApiError(await api('GET', `/api/edge_jobs/${job.Id}`), 404);
  });

  it('an async device (Portainer EE protocol by hand) gets the job as commands and reports its log', async () => {
    const deviceC = (
      await api<{ Id: number }>('POST', '/api/endpoints', {
        Name: 'jobs-device-async',
        EndpointCreationType: 4,
        URL: server.baseUrl,
      })
    ).body.Id;
    const edgeC = `edge-jobs-c-${process.pid}`;
    let stamp = '2000-01-01T00:00:00Z';
    interface Command {
      type: string;
      op: string;
      timestamp: string;
      value: Record<string, unknown>;
    }
    const exchange = async (snapshot?: unknown) => {
      const r = await server.request<{ commands: Command[] }>('POST', '/api/endpoints/edge/async', {
        headers: { [EDGE_HEADERS.edgeId]: edgeC, 'Portainer-Agent-Platform': '1' },
        body: { endpointId: deviceC, commandTimestamp: stamp, ...(snapshot ? { snapshot } : {}) },
      });
      expect(r.status, r.text).toBe(200);
      const jobs = r.body.commands.filter((c) => c.type === 'edgeJob');
      const last = r.body.commands[r.body.commands.length - 1];
      if (last) stamp = last.timestamp;
      return jobs;
    };
    expect(await exchange()).toEqual([]);
    const created = await api<Job>('POST', '/api/edge_jobs/create/string', {
      Name: 'async-job',
      CronExpression: '*/10 * * * *',
      Endpoints: [deviceC],
      FileContent: 'echo from async',
    });
    expect(created.status, created.text).toBe(200);
    const id = created.body.Id;
    expect(await exchange()).toEqual([
      expect.objectContaining({
        op: 'add',
        value: {
          ID: id,
          CollectLogs: false,
          LogsStatus: 1,
          CronExpression: '*/10 * * * *',
          ScriptFileContent: Buffer.from('echo from async').toString('base64').replace(/=+$/, ''),
          Version: 1,
        },
      }),
    ]);
    // Confirmed commands are not sent again.
    expect(await exchange()).toEqual([]);
    expect((await api('POST', `/api/edge_jobs/${id}/tasks/${deviceC}/logs`)).status).toBe(204);
    expect(await exchange()).toEqual([
      expect.objectContaining({
        op: 'replace',
        value: expect.objectContaining({ ID: id, CollectLogs: true }),
      }),
    ]);
    // The device reports the log in its snapshot (jobsStatus); a report for a job not targeting it is ignored.
    await exchange({
      jobsStatus: {
        [String(id)]: { JobID: id, LogFileContent: 'from async\n' },
        '987654': { JobID: 987654, LogFileContent: 'nope' },
      },
    });
    await until('the async log', async () => {
      const tasks = (await api<Task[]>('GET', `/api/edge_jobs/${id}/tasks`)).body;
      return tasks[0]?.LogsStatus === 3 ? true : undefined;
    });
    expect(
      (await api<{ FileContent: string }>('GET', `/api/edge_jobs/${id}/tasks/${deviceC}/logs`)).body
        .FileContent,
    ).toBe('from async\n');
    expect((await api('DELETE', `/api/edge_jobs/${id}`)).status).toBe(204);
    expect(await exchange()).toEqual([
      expect.objectContaining({ op: 'remove', value: expect.objectContaining({ ID: id }) }),
    ]);
  });

  it('is for administrators only', async () => {
    const user = await createUser(server, admin);
    expectApiError(await server.request('GET', '/api/edge_jobs', { token: user.token }), 403);
    expectApiError(
      await server.request('POST', '/api/edge_jobs/create/string', { token: user.token, body: {} }),
      403,
    );
  });
});
