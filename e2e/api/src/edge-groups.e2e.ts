/**
 * Edge groups on the real server: static and dynamic (all tags / any tag), membership recomputed when an
 * environment's tags, its environment group's tags or the environment itself change; bad input refused with
 * nothing written. No agent needed (membership is the server's).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addSocketEnvironment, expectApiError, uniqueName, withAdminServer } from './support/fixtures';

interface Group {
  Id: number;
  Name: string;
  Dynamic: boolean;
  TagIds: number[];
  Endpoints: number[];
  PartialMatch: boolean;
  HasEdgeStack?: boolean;
  TrustedEndpoints?: number[];
  EndpointTypes?: number[];
}

describe('edge groups', () => {
  const ctx = withAdminServer();
  const req = <T = unknown>(method: string, path: string, body?: unknown) =>
    ctx.server.request<T>(method, path, { token: ctx.admin, ...(body === undefined ? {} : { body }) });
  const tag = async (name: string) =>
    (await req<{ ID: number }>('POST', '/api/tags', { Name: uniqueName(name) })).body.ID;
  const edgeEnv = async (name: string, tagIds: number[] = []) => {
    const r = await req<{ Id: number }>('POST', '/api/endpoints', {
      Name: uniqueName(name),
      EndpointCreationType: 4,
      URL: ctx.server.baseUrl,
      TagIds: tagIds,
    });
    expect(r.status, r.text).toBe(200);
    return r.body.Id;
  };
  const group = async (id: number) => (await req<Group>('GET', `/api/edge_groups/${id}`)).body;
  const groupCount = async () => (await req<Group[]>('GET', '/api/edge_groups')).body.length;

  it('static groups list edge environments; dynamic groups match all tags, or any with PartialMatch', async () => {
    const [a, b] = [await tag('a'), await tag('b')];
    const e1 = await edgeEnv('e1', [a, b]);
    const e2 = await edgeEnv('e2', [a]);
    const e3 = await edgeEnv('e3');

    const st = await req<Group>('POST', '/api/edge_groups', {
      Name: uniqueName('static'),
      Endpoints: [e3, e1, e3],
    });
    expect(st.status, st.text).toBe(200);
    expect(st.body).toMatchObject({ Dynamic: false, Endpoints: [e1, e3], TagIds: [] });

    // Keys in any case, as Portainer clients send them.
    const all = await req<Group>('POST', '/api/edge_groups', {
      name: uniqueName('all'),
      dynamic: true,
      tagIDs: [a, b],
    });
    expect(all.status, all.text).toBe(200);
    expect(all.body.Endpoints).toEqual([e1]);
    const any = await req<Group>('POST', '/api/edge_groups', {
      Name: uniqueName('any'),
      Dynamic: true,
      TagIDs: [b, a],
      PartialMatch: true,
    });
    expect(any.body.Endpoints).toEqual([e1, e2]);
    expect(any.body.TagIds).toEqual([a, b].sort((x, y) => x - y));

    const list = (await req<Group[]>('GET', '/api/edge_groups')).body;
    const listed = list.find((g) => g.Id === any.body.Id);
    expect(listed).toMatchObject({ HasEdgeStack: false, EndpointTypes: [4], TrustedEndpoints: [e1, e2] });

    // Tagging e2 with b brings it into "all"; untagging e1 takes it out.
    expect((await req('PUT', `/api/endpoints/${e2}`, { TagIds: [a, b] })).status).toBe(200);
    expect((await group(all.body.Id)).Endpoints).toEqual([e1, e2]);
    expect((await req('PUT', `/api/endpoints/${e1}`, { TagIds: [] })).status).toBe(200);
    expect((await group(all.body.Id)).Endpoints).toEqual([e2]);
    expect((await group(any.body.Id)).Endpoints).toEqual([e2]);

    // The environment group's tags count as the environment's own.
    const eg = await req<{ Id: number }>('POST', '/api/endpoint_groups', {
      Name: uniqueName('site'),
      TagIDs: [a, b],
    });
    expect(eg.status, eg.text).toBe(200);
    expect((await req('PUT', `/api/endpoints/${e3}`, { GroupID: eg.body.Id })).status).toBe(200);
    expect((await group(all.body.Id)).Endpoints).toEqual([e2, e3]);

    // A deleted environment leaves static and dynamic groups.
    expect((await req('DELETE', `/api/endpoints/${e3}`)).status).toBe(204);
    expect((await group(st.body.Id)).Endpoints).toEqual([e1]);
    expect((await group(all.body.Id)).Endpoints).toEqual([e2]);

    // Update: rename, switch a static group to dynamic.
    const up = await req<Group>('PUT', `/api/edge_groups/${st.body.Id}`, { Dynamic: true, TagIDs: [a] });
    expect(up.status, up.text).toBe(200);
    expect(up.body).toMatchObject({ Dynamic: true, Endpoints: [e2], TagIds: [a] });

    expect((await req('DELETE', `/api/edge_groups/${st.body.Id}`)).status).toBe(204);
    expectApiError(await req('GET', `/api/edge_groups/${st.body.Id}`), 404);
  });

  it('refuses bad input and writes nothing', async () => {
    const e = await edgeEnv('ok');
    const before = await groupCount();
    const name = uniqueName('dup');
    expect((await req('POST', '/api/edge_groups', { Name: name, Endpoints: [e] })).status).toBe(200);
    const cases: [unknown, number][] = [
      [{ Name: name.toUpperCase(), Endpoints: [e] }, 409],
      [{ Name: '', Endpoints: [e] }, 400],
      [{ Name: 'x'.repeat(300) }, 400],
      [{ Name: uniqueName('d'), Dynamic: true }, 400],
      [{ Name: uniqueName('d'), Dynamic: true, TagIDs: [999999] }, 400],
      [{ Name: uniqueName('s'), Endpoints: [999999] }, 400],
      [{ Name: uniqueName('s'), Endpoints: ['1'] }, 400],
      [{ Name: uniqueName('s'), Endpoints: [-1] }, 400],
      [{ Name: uniqueName('s'), Dynamic: 'yes' }, 400],
      [[1, 2], 400],
    ];
    for (const [body, status] of cases) expectApiError(await req('POST', '/api/edge_groups', body), status);
    if (existsSync('/var/run/docker.sock')) {
      const docker = await addSocketEnvironment(ctx.server, ctx.admin);
      const r = await req('POST', '/api/edge_groups', {
        Name: uniqueName('nonedge'),
        Endpoints: [e, docker],
      });
      expectApiError(r, 400, /Invalid environments/);
      expect((r.body as { details: string }).details).toContain(String(docker));
    }
    expect(await groupCount()).toBe(before + 1);
    expectApiError(await req('PUT', '/api/edge_groups/999999', { Name: 'x' }), 404);
    expectApiError(await req('DELETE', '/api/edge_groups/abc'), 400);
  });
});
