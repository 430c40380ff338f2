import { TestBed } from '@angular/core/testing';
import { beforeEach, describe, expect, it } from 'vitest';

import { FakeApi, provideFakeApi } from '../testing/fake-api';
import {
  AgentBrowseApi,
  ContainersApi,
  EngineApi,
  ImagesApi,
  NetworksApi,
  SwarmApi,
  VolumesApi,
} from './engine-api';

const BASE = '/api/endpoints/2/docker';

describe('typed Engine operations', () => {
  let api: FakeApi;
  const sent = () => {
    const r = api.requests.at(-1);
    return r ? `${r.method} ${r.path}${r.search}` : '';
  };

  beforeEach(() => {
    // Every request answers 200 `{}`: the specs read what was sent.
    api = new FakeApi().otherwise({ body: {} });
    TestBed.configureTestingModule({ providers: [provideFakeApi(api)] });
  });

  it('containers: ids are one encoded path segment; lifecycle, remove flags, rename, logs, exec, resize', async () => {
    const c = TestBed.inject(ContainersApi);
    await c.list(2);
    expect(sent()).toBe(`GET ${BASE}/containers/json?all=1`);
    await c.inspect(2, 'a/b');
    expect(sent()).toBe(`GET ${BASE}/containers/a%2Fb/json`);
    await c.top(2, 'web');
    expect(sent()).toBe(`GET ${BASE}/containers/web/top`);
    await c.create(2, { Image: 'busybox' }, 'web');
    expect(sent()).toBe(`POST ${BASE}/containers/create?name=web`);
    expect(api.requests.at(-1)?.body).toEqual({ Image: 'busybox' });
    await c.create(2, {}, '');
    expect(sent()).toBe(`POST ${BASE}/containers/create`);
    await c.lifecycle(2, 'web', 'unpause');
    expect(sent()).toBe(`POST ${BASE}/containers/web/unpause`);
    await c.remove(2, 'web', { force: true, volumes: true });
    expect(sent()).toBe(`DELETE ${BASE}/containers/web?force=1&v=1`);
    await c.remove(2, 'web');
    expect(sent()).toBe(`DELETE ${BASE}/containers/web`);
    await c.rename(2, 'web', 'web-old');
    expect(sent()).toBe(`POST ${BASE}/containers/web/rename?name=web-old`);
    await c.logs(2, 'web', { follow: true, tail: '100', timestamps: true, since: '5' });
    expect(sent()).toBe(
      `GET ${BASE}/containers/web/logs?stdout=1&stderr=1&follow=1&tail=100&timestamps=1&since=5`,
    );
    await c.createExec(2, 'web', { Cmd: ['sh'] });
    expect(sent()).toBe(`POST ${BASE}/containers/web/exec`);
    await c.resize(2, { execId: 'e1' }, 24, 80);
    expect(sent()).toBe(`POST ${BASE}/exec/e1/resize?h=24&w=80`);
    await c.resize(2, { containerId: 'web' }, 24, 80);
    expect(sent()).toBe(`POST ${BASE}/containers/web/resize?h=24&w=80`);
  });

  it('containers: socket URLs carry the environment, the container and the log options', () => {
    const c = TestBed.inject(ContainersApi);
    expect(c.logsSocketUrl(2, 'web', { follow: false, tail: 'all', timestamps: true })).toBe(
      'ws://localhost/api/websocket/logs?endpointId=2&id=web&follow=false&tail=all&timestamps=true',
    );
    expect(c.statsSocketUrl(2, 'web')).toBe('ws://localhost/api/websocket/stats?endpointId=2&id=web');
    expect(c.execSocketUrl(2, 'e1')).toBe('ws://localhost/api/websocket/exec?id=e1&endpointId=2');
    expect(c.attachSocketUrl(2, 'web')).toBe('ws://localhost/api/websocket/attach?id=web&endpointId=2');
    expect(TestBed.inject(EngineApi).eventsSocketUrl(2)).toBe(
      'ws://localhost/api/websocket/events?endpointId=2',
    );
  });

  it('images: a reference keeps its slashes and colon; ids, tags and prune filters', async () => {
    const i = TestBed.inject(ImagesApi);
    await i.inspect(2, 'host:5000/a/b:1.0');
    expect(sent()).toBe(`GET ${BASE}/images/host:5000/a/b:1.0/json`);
    await i.inspectById(2, 'sha256:ab');
    expect(sent()).toBe(`GET ${BASE}/images/sha256%3Aab/json`);
    await i.history(2, 'sha256:ab');
    expect(sent()).toBe(`GET ${BASE}/images/sha256%3Aab/history`);
    await i.pull(2, { fromImage: 'busybox', tag: 'latest' }, { registryAuth: 'e30=' });
    expect(sent()).toBe(`POST ${BASE}/images/create?fromImage=busybox&tag=latest`);
    expect(api.requests.at(-1)?.headers.get('X-Registry-Auth')).toBe('e30=');
    await i.pull(2, { fromImage: 'busybox@sha256:00' });
    expect(sent()).toBe(`POST ${BASE}/images/create?fromImage=busybox%40sha256%3A00`);
    expect(api.requests.at(-1)?.headers.get('X-Registry-Auth')).toBeNull();
    await i.remove(2, 'sha256:ab', { force: true });
    expect(sent()).toBe(`DELETE ${BASE}/images/sha256%3Aab?force=1`);
    await i.tag(2, 'sha256:ab', { repo: 'me/app', tag: 'v2' });
    expect(sent()).toBe(`POST ${BASE}/images/sha256%3Aab/tag?repo=me%2Fapp&tag=v2`);
    await i.prune(2, false);
    expect(sent()).toBe(`POST ${BASE}/images/prune?filters=${encodeURIComponent('{"dangling":["true"]}')}`);
    await i.prune(2, true);
    expect(sent()).toBe(`POST ${BASE}/images/prune?filters=${encodeURIComponent('{"dangling":["false"]}')}`);
    expect(i.exportUrl(2, 'me/app:v2')).toBe(`http://localhost${BASE}/images/me%2Fapp%3Av2/get`);
  });

  it('volumes and networks', async () => {
    const v = TestBed.inject(VolumesApi);
    await v.list(2);
    expect(sent()).toBe(`GET ${BASE}/volumes`);
    await v.inspect(2, 'data');
    expect(sent()).toBe(`GET ${BASE}/volumes/data`);
    await v.create(2, { Name: 'data' });
    expect(sent()).toBe(`POST ${BASE}/volumes/create`);
    await v.remove(2, 'data');
    expect(sent()).toBe(`DELETE ${BASE}/volumes/data`);
    await v.prune(2);
    expect(sent()).toBe(`POST ${BASE}/volumes/prune`);
    const n = TestBed.inject(NetworksApi);
    await n.connect(2, 'net1', 'web', '10.0.0.5');
    expect(sent()).toBe(`POST ${BASE}/networks/net1/connect`);
    expect(api.requests.at(-1)?.body).toEqual({
      Container: 'web',
      EndpointConfig: { IPAMConfig: { IPv4Address: '10.0.0.5' } },
    });
    await n.connect(2, 'net1', 'web', '');
    expect(api.requests.at(-1)?.body).toEqual({ Container: 'web' });
    await n.disconnect(2, 'net1', 'web');
    expect(api.requests.at(-1)?.body).toEqual({ Container: 'web', Force: false });
    await n.remove(2, 'net1');
    expect(sent()).toBe(`DELETE ${BASE}/networks/net1`);
  });

  it('swarm: versions on updates, task filters, configs and secrets by kind, service logs', async () => {
    const s = TestBed.inject(SwarmApi);
    await s.services(2);
    expect(sent()).toBe(`GET ${BASE}/services?status=true`);
    await s.updateService(2, 'svc', 7, {}, { rollback: 'previous' });
    expect(sent()).toBe(`POST ${BASE}/services/svc/update?version=7&rollback=previous`);
    await s.updateNode(2, 'n1', 3, {});
    expect(sent()).toBe(`POST ${BASE}/nodes/n1/update?version=3`);
    await s.tasks(2, 'svc');
    expect(sent()).toBe(`GET ${BASE}/tasks?filters=${encodeURIComponent('{"service":["svc"]}')}`);
    await s.objects(2, 'secrets');
    expect(sent()).toBe(`GET ${BASE}/secrets`);
    await s.createObject(2, 'configs', {});
    expect(sent()).toBe(`POST ${BASE}/configs/create`);
    await s.removeObject(2, 'configs', 'c1');
    expect(sent()).toBe(`DELETE ${BASE}/configs/c1`);
    await s.serviceLogs(2, 'svc', { tail: 200, follow: false });
    expect(sent()).toBe(`GET ${BASE}/services/svc/logs?stdout=1&stderr=1&tail=200&follow=0`);
  });

  it("engine and the agent's browser: the target (volume, node) goes with every call", async () => {
    const e = TestBed.inject(EngineApi);
    await e.events(2, { since: 10, until: 20 });
    expect(sent()).toBe(`GET ${BASE}/events?since=10&until=20`);
    await e.hostInfo(2, { nodeName: 'n2' });
    expect(sent()).toBe(`GET ${BASE}/v2/host/info?nodeName=n2`);
    const b = TestBed.inject(AgentBrowseApi);
    const target = { volumeID: 'data', nodeName: 'n2' };
    await b.list(2, target, '/etc');
    expect(sent()).toBe(`GET ${BASE}/v2/browse/ls?volumeID=data&nodeName=n2&path=%2Fetc`);
    await b.rename(2, target, '/a', '/b');
    expect(sent()).toBe(`PUT ${BASE}/v2/browse/rename?volumeID=data&nodeName=n2`);
    expect(api.requests.at(-1)?.body).toEqual({ CurrentFilePath: '/a', NewFilePath: '/b' });
    await b.delete(2, target, '/a');
    expect(sent()).toBe(`DELETE ${BASE}/v2/browse/delete?volumeID=data&nodeName=n2&path=%2Fa`);
  });
});
