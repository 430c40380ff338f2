import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  expectApiError,
  uniqueName,
  withAdminServer,
  type CreatedUser,
} from './support/fixtures';

interface AppTemplates {
  version: string;
  templates: { id: number; type: number; title: string; image?: string; stackFileContent?: string }[];
}
interface CustomTemplate {
  Id: number;
  Title: string;
  Type: number;
  Platform: number;
  CreatedByUserId: number;
  Variables: { name: string; defaultValue: string }[];
  ResourceControl: {
    Id: number;
    Type: number;
    ResourceId: string;
    UserAccesses: { UserId: number }[];
  } | null;
}

const COMPOSE = 'services:\n  web:\n    image: capstan/busybox:{{ tag }}\n    command: ["sleep", "3600"]\n';

describe('app templates', () => {
  const env = withAdminServer();
  let files: Server;
  let base = '';
  /** What the loopback file server answers, by path. */
  const answers = new Map<string, { status: number; body: string }>();

  beforeAll(async () => {
    files = createServer((req, res) => {
      const a = answers.get(req.url ?? '') ?? { status: 404, body: 'not found' };
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(files.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => files.close(() => r())));

  const setUrl = (url: string) =>
    env.server.request('PUT', '/api/settings', { token: env.admin, body: { TemplatesURL: url } });

  it('serves the built-in v3 file when TemplatesURL is empty, with every template type', async () => {
    const r = await env.server.request<AppTemplates>('GET', '/api/templates', { token: env.admin });
    expect(r.status).toBe(200);
    expect(r.body.version).toBe('3');
    expect(r.body.templates.map((t) => t.id)).toEqual(r.body.templates.map((_, i) => i + 1));
    expect(new Set(r.body.templates.map((t) => t.type))).toEqual(new Set([1, 2, 3]));
    for (const t of r.body.templates.filter((t) => t.type !== 1))
      expect(t.stackFileContent).toMatch(/services:/);
    expect((await env.server.request('GET', '/api/templates')).status).toBe(401);
  });

  it('reads the file at TemplatesURL, and says why a bad one is refused', async () => {
    answers.set('/good.json', {
      status: 200,
      body: JSON.stringify({
        version: '3',
        templates: [{ type: 1, title: 'Local busybox', description: 'x', image: 'capstan/busybox:local' }],
      }),
    });
    expect((await setUrl(`${base}/good.json`)).status).toBe(200);
    const good = await env.server.request<AppTemplates>('GET', '/api/templates', { token: env.admin });
    expect(good.body.templates).toEqual([
      { id: 1, type: 1, title: 'Local busybox', description: 'x', image: 'capstan/busybox:local' },
    ]);

    answers.set('/v2.json', { status: 200, body: JSON.stringify({ version: '2', templates: [] }) });
    answers.set('/broken.json', { status: 200, body: '{"version": "3", "templates": [' });
    answers.set('/noimage.json', {
      status: 200,
      body: JSON.stringify({ version: '3', templates: [{ type: 1, title: 'x' }] }),
    });
    for (const [path, why] of [
      ['/v2.json', /only "3"/],
      ['/broken.json', /not JSON/],
      ['/noimage.json', /needs an image/],
      ['/missing.json', /HTTP 404/],
    ] as const) {
      expect((await setUrl(`${base}${path}`)).status).toBe(200);
      const r = await env.server.request<{ details: string }>('GET', '/api/templates', { token: env.admin });
      expectApiError(r, 502);
      expect(r.body.details).toMatch(why);
      expect(r.body.details).toContain(path);
    }
    expectApiError(await setUrl('ftp://example.invalid/t.json'), 400);
    expectApiError(await setUrl('javascript:alert(1)'), 400);
    expect((await setUrl('')).status).toBe(200);
    expect(
      (await env.server.request<AppTemplates>('GET', '/api/templates', { token: env.admin })).body.templates
        .length,
    ).toBeGreaterThan(3);
  });
});

describe('custom templates', () => {
  const env = withAdminServer();
  let alice: CreatedUser;
  let bob: CreatedUser;
  beforeAll(async () => {
    alice = await createUser(env.server, env.admin);
    bob = await createUser(env.server, env.admin);
  });

  const create = (token: string, body: Record<string, unknown>) =>
    env.server.request<CustomTemplate>('POST', '/api/custom_templates/create/string', { token, body });
  const valid = (extra: Record<string, unknown> = {}) => ({
    Title: uniqueName('tpl'),
    Description: 'a busybox stack',
    Platform: 1,
    Type: 2,
    FileContent: COMPOSE,
    Variables: [{ name: 'tag', label: 'Tag', defaultValue: 'local', description: '' }],
    ...extra,
  });

  it('creates from text with a private control for its creator; others do not see it', async () => {
    // Portainer clients send either case.
    const r = await create(alice.token, {
      title: 'Lower-case keys',
      description: 'd',
      platform: 1,
      type: 2,
      fileContent: COMPOSE,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      Title: 'Lower-case keys',
      Type: 2,
      Platform: 1,
      CreatedByUserId: alice.id,
    });
    expect(r.body.ResourceControl).toMatchObject({ Type: 8, ResourceId: String(r.body.Id) });
    expect(r.body.ResourceControl?.UserAccesses.map((u) => u.UserId)).toEqual([alice.id]);

    const mine = await env.server.request<CustomTemplate[]>('GET', '/api/custom_templates', {
      token: alice.token,
    });
    expect(mine.body.map((t) => t.Id)).toContain(r.body.Id);
    const theirs = await env.server.request<CustomTemplate[]>('GET', '/api/custom_templates', {
      token: bob.token,
    });
    expect(theirs.body.map((t) => t.Id)).not.toContain(r.body.Id);
    const all = await env.server.request<CustomTemplate[]>('GET', '/api/custom_templates', {
      token: env.admin,
    });
    expect(all.body.map((t) => t.Id)).toContain(r.body.Id);

    for (const path of [`/api/custom_templates/${r.body.Id}`, `/api/custom_templates/${r.body.Id}/file`])
      expectApiError(await env.server.request('GET', path, { token: bob.token }), 404);
    expectApiError(
      await env.server.request('PUT', `/api/custom_templates/${r.body.Id}`, {
        token: bob.token,
        body: valid(),
      }),
      404,
    );
    expectApiError(
      await env.server.request('DELETE', `/api/custom_templates/${r.body.Id}`, { token: bob.token }),
      404,
    );
    const file = await env.server.request<{ FileContent: string }>(
      'GET',
      `/api/custom_templates/${r.body.Id}/file`,
      {
        token: alice.token,
      },
    );
    expect(file.body.FileContent).toBe(COMPOSE);
  });

  it('shares through its resource control: a shared user uses it but cannot change it', async () => {
    const t = (await create(alice.token, valid())).body;
    const rc = await env.server.request('PUT', `/api/resource_controls/${t.ResourceControl?.Id}`, {
      token: env.admin,
      body: { Public: false, Users: [alice.id, bob.id], Teams: [] },
    });
    expect(rc.status, rc.text).toBe(200);
    const seen = await env.server.request<CustomTemplate>('GET', `/api/custom_templates/${t.Id}`, {
      token: bob.token,
    });
    expect(seen.status).toBe(200);
    expect(seen.body.Variables).toEqual([
      { name: 'tag', label: 'Tag', defaultValue: 'local', description: '' },
    ]);
    expectApiError(
      await env.server.request('PUT', `/api/custom_templates/${t.Id}`, { token: bob.token, body: valid() }),
      403,
    );
    expectApiError(
      await env.server.request('DELETE', `/api/custom_templates/${t.Id}`, { token: bob.token }),
      403,
    );
  });

  it('filters by type and edge, updates and deletes (file and control gone)', async () => {
    const swarm = (await create(env.admin, valid({ Type: 1, EdgeTemplate: true }))).body;
    const compose = (await create(env.admin, valid({ Type: 2 }))).body;
    const ids = async (q: string) =>
      (
        await env.server.request<CustomTemplate[]>('GET', `/api/custom_templates${q}`, { token: env.admin })
      ).body.map((t) => t.Id);
    expect(await ids('?type=1')).toContain(swarm.Id);
    expect(await ids('?type=1')).not.toContain(compose.Id);
    expect(await ids('?type=1&type=2')).toEqual(expect.arrayContaining([swarm.Id, compose.Id]));
    expect(await ids('?edge=true')).toEqual(expect.arrayContaining([swarm.Id]));
    expect(await ids('?edge=false')).not.toContain(swarm.Id);
    expectApiError(
      await env.server.request('GET', '/api/custom_templates?type=7', { token: env.admin }),
      400,
    );
    expectApiError(
      await env.server.request('GET', '/api/custom_templates?edge=maybe', { token: env.admin }),
      400,
    );

    const updated = await env.server.request<CustomTemplate>('PUT', `/api/custom_templates/${compose.Id}`, {
      token: env.admin,
      body: valid({ Title: 'Renamed', FileContent: 'services: {}\n' }),
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.Title).toBe('Renamed');
    const file = await env.server.request<{ FileContent: string }>(
      'GET',
      `/api/custom_templates/${compose.Id}/file`,
      {
        token: env.admin,
      },
    );
    expect(file.body.FileContent).toBe('services: {}\n');

    const dir = join(env.server.dataDir, 'custom_templates', String(compose.Id));
    expect(existsSync(join(dir, 'docker-compose.yml'))).toBe(true);
    expect(
      (await env.server.request('DELETE', `/api/custom_templates/${compose.Id}`, { token: env.admin }))
        .status,
    ).toBe(204);
    expect(existsSync(dir)).toBe(false);
    expectApiError(
      await env.server.request('GET', `/api/custom_templates/${compose.Id}`, { token: env.admin }),
      404,
    );
    expectApiError(
      await env.server.request('GET', `/api/resource_controls/${compose.ResourceControl?.Id}`, {
        token: env.admin,
      }),
      404,
    );
  });

  it('creates from an uploaded file (multipart) with a size cap', async () => {
    const upload = async (content: string) => {
      const form = new FormData();
      form.set('Title', uniqueName('upload'));
      form.set('Description', 'from a file');
      form.set('Platform', '1');
      form.set('Type', '2');
      form.set('Variables', JSON.stringify([{ name: 'tag', defaultValue: 'local' }]));
      form.set('File', new Blob([content]), 'docker-compose.yml');
      const r = await fetch(`${env.server.baseUrl}/api/custom_templates/create/file`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${alice.token}` },
        body: form,
      });
      return { status: r.status, headers: r.headers, body: (await r.json()) as CustomTemplate };
    };
    const ok = await upload(COMPOSE);
    expect(ok.status).toBe(200);
    expect(ok.body.Variables[0]).toMatchObject({ name: 'tag', defaultValue: 'local' });
    const file = readFileSync(
      join(env.server.dataDir, 'custom_templates', String(ok.body.Id), 'docker-compose.yml'),
      'utf8',
    );
    expect(file).toBe(COMPOSE);
    expectApiError(await upload('a'.repeat(512 * 1024 + 1)), 413);
  });

  it('refuses bad input with a 400 naming the problem, and stores nothing', async () => {
    const before = (
      await env.server.request<CustomTemplate[]>('GET', '/api/custom_templates', { token: env.admin })
    ).body.length;
    for (const [body, why] of [
      [valid({ Title: '' }), /Title is required/],
      [valid({ Title: 42 }), /Title must be a string/],
      [valid({ Type: 9 }), /Type must be one of 1, 2, 3/],
      [valid({ Platform: 'linux' }), /Platform must be one of 1, 2/],
      [valid({ FileContent: '' }), /FileContent is required/],
      [valid({ FileContent: 'a'.repeat(600 * 1024) }), /larger than 524288/],
      [valid({ Logo: 'javascript:alert(1)' }), /Logo/],
      [valid({ Variables: [{ name: '1bad' }] }), /name "1bad"/],
      [valid({ Variables: [{ name: 'a' }, { name: 'a' }] }), /defined twice/],
      [valid({ Variables: 'nope' }), /JSON list/],
      [
        valid({ Variables: [{ name: 'a', defaultValue: 'x', select: [{ value: 'y' }] }] }),
        /not one of its choices/,
      ],
      [valid({ EdgeTemplate: 'yes' }), /EdgeTemplate/],
    ] as const) {
      const r = await create(env.admin, body);
      expectApiError(r, 400);
      expect((r.body as unknown as { details: string }).details).toMatch(why);
    }
    expectApiError(
      await env.server.request('GET', '/api/custom_templates/999999', { token: env.admin }),
      404,
    );
    expectApiError(await env.server.request('GET', '/api/custom_templates/abc', { token: env.admin }), 400);
    const after = (
      await env.server.request<CustomTemplate[]>('GET', '/api/custom_templates', { token: env.admin })
    ).body.length;
    expect(after).toBe(before);
  });
});
