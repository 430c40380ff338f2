import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  API_FETCH,
  type DockerEnvironment,
  FakeApi,
  applyPullMessage,
  EMPTY_PULL,
  imageUsage,
  provideFakeApi,
  pullPercent,
  registryAuthHeader,
  registryOf,
} from '@capstan/portal-data-access';
import { beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../../shell/environment-context';
import { ImagePullDialog } from './image-pull-dialog';
import { ImagesPage } from './images-page';

const flush = () => new Promise((r) => setTimeout(r));

function image(id: string, tags: string[] | null, size = 1000) {
  return { Id: `sha256:${id.padEnd(64, '0')}`, RepoTags: tags, Created: 1_700_000_000, Size: size };
}

function container(name: string, imageId: string) {
  return { Id: `${name}-id`, Names: [`/${name}`], Image: 'x', ImageID: imageId, State: 'exited' };
}

export function environment(permissions: string[], snapshotTime?: number): DockerEnvironment {
  return {
    Id: 7,
    Name: 'local',
    Status: snapshotTime ? 2 : 1,
    Snapshots: snapshotTime ? [{ Time: snapshotTime }] : [],
    CapstanAccess: { RoleId: 1, Permissions: permissions },
  } as unknown as DockerEnvironment;
}

/** A fetch whose pull route answers with a JSON-lines body, like the engine's progress stream. */
function withPullStream(api: FakeApi, lines: unknown[]): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    if (request.method === 'POST' && new URL(request.url).pathname.endsWith('/images/create')) {
      api.requests.push({
        method: 'POST',
        path: new URL(request.url).pathname,
        search: new URL(request.url).search,
        headers: request.headers,
        body: undefined,
      });
      const text = lines.map((l) => JSON.stringify(l) + '\r\n').join('');
      // Split mid-line so the reader has to join chunks.
      const cut = Math.floor(text.length / 2);
      const chunks = [text.slice(0, cut), text.slice(cut)].map((c) => new TextEncoder().encode(c));
      return new Response(
        new ReadableStream({
          start(controller) {
            for (const c of chunks) controller.enqueue(c);
            controller.close();
          },
        }),
        { status: 200, headers: { 'Content-Type': 'application/json' } },
      );
    }
    return api.fetch(request);
  };
}

const LAYERS_OK = [
  { status: 'Pulling from team/app', id: '1.0' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'aaa111' },
  { status: 'Pulling fs layer', progressDetail: {}, id: 'bbb222' },
  { status: 'Downloading', progressDetail: { current: 500, total: 1000 }, id: 'aaa111' },
  { status: 'Downloading', progressDetail: { current: 250, total: 1000 }, id: 'bbb222' },
  { status: 'Download complete', progressDetail: {}, id: 'aaa111' },
  { status: 'Extracting', progressDetail: { current: 500, total: 1000 }, id: 'aaa111' },
  { status: 'Pull complete', progressDetail: {}, id: 'aaa111' },
  { status: 'Digest: sha256:abc' },
  { status: 'Status: Downloaded newer image for registry:5000/team/app:1.0' },
];

describe('pull progress', () => {
  it('tracks each layer through download and extraction', () => {
    let state = EMPTY_PULL;
    for (const line of LAYERS_OK.slice(0, 5)) state = applyPullMessage(state, line);
    expect(state.layers.map((l) => [l.id, l.phase, l.percent])).toEqual([
      ['aaa111', 'downloading', 25],
      ['bbb222', 'downloading', 13],
    ]);
    expect(pullPercent(state)).toBe(19);
    for (const line of LAYERS_OK.slice(5, 7)) state = applyPullMessage(state, line);
    expect(state.layers[0]).toMatchObject({ phase: 'extracting', percent: 75 });
    for (const line of LAYERS_OK.slice(7)) state = applyPullMessage(state, line);
    expect(state.layers[0]).toMatchObject({ phase: 'done', percent: 100, status: 'Pull complete' });
    expect(state.finalStatus).toBe('Downloaded newer image for registry:5000/team/app:1.0');
    expect(state.messages).toContain('1.0: Pulling from team/app');
    expect(state.error).toBeNull();
  });

  it('keeps the error line of a stream that answered 200', () => {
    let state = applyPullMessage(EMPTY_PULL, LAYERS_OK[1]);
    state = applyPullMessage(state, {
      errorDetail: { message: 'manifest for team/app:nope not found' },
      error: 'manifest for team/app:nope not found',
    });
    expect(state.error).toBe('manifest for team/app:nope not found');
    expect(state.layers).toHaveLength(1);
  });
});

describe('registry login for a pull', () => {
  it('names the registry of a reference and encodes X-Registry-Auth as URL-safe base64 JSON', () => {
    expect(registryOf('127.0.0.1:55000/capstan/busybox:local')).toBe('127.0.0.1:55000');
    expect(registryOf('ghcr.io/team/app')).toBe('ghcr.io');
    expect(registryOf('team/app:1')).toBe('');
    expect(registryOf('busybox')).toBe('');
    const header = registryAuthHeader('me', 'pä?>>ss', 'ghcr.io');
    expect(header).not.toMatch(/[+/]/);
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(header.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    );
    expect(JSON.parse(json)).toEqual({ username: 'me', password: 'pä?>>ss', serveraddress: 'ghcr.io' });
  });
});

describe('image usage', () => {
  it('marks images used by any container (running or not) and names the containers', () => {
    const images = [image('a', ['app:1', 'app:latest']), image('b', ['<none>:<none>']), image('c', null)];
    const rows = imageUsage(images, [
      container('web', images[0].Id),
      container('worker', images[0].Id),
      container('other', 'sha256:unknown'),
    ]);
    expect(rows.map((r) => [r.tags, r.inUse, r.usedBy])).toEqual([
      [['app:1', 'app:latest'], true, ['web', 'worker']],
      [[], false, []],
      [[], false, []],
    ]);
  });
});

describe('ImagesPage', () => {
  let api: FakeApi;
  let images: ReturnType<typeof image>[];

  beforeEach(() => {
    images = [image('a', ['capstan/busybox:local'], 4_500_000), image('b', ['old:1'], 1_000_000)];
    api = new FakeApi()
      .on('GET /api/endpoints/7/docker/images/json', () => ({ body: images }))
      .on('GET /api/endpoints/7/docker/containers/json', {
        body: [container('box', images[0].Id)],
      });
  });

  async function setup(permissions: string[] = Object.values(Permission), lines: unknown[] = LAYERS_OK) {
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        { provide: API_FETCH, useValue: withPullStream(api, lines) },
        provideRouter([]),
        EnvironmentContext,
      ],
    });
    TestBed.inject(EnvironmentContext).setEnvironment(environment(permissions));
    const fixture = TestBed.createComponent(ImagesPage);
    document.body.append(fixture.nativeElement as HTMLElement);
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      for (let i = 0; i < 4; i++) {
        fixture.detectChanges();
        await flush();
      }
    };
    await settle();
    return { fixture, el, byId, settle };
  }

  it('lists images with their usage and total size', async () => {
    const { byId } = await setup();
    expect(byId('image-usage-capstan/busybox:local')?.textContent?.trim()).toBe('In use');
    expect(byId('image-usage-old:1')?.textContent?.trim()).toBe('Unused');
    expect(byId('image-row-capstan/busybox:local')?.textContent).toContain('4.5 MB');
    expect(byId('image-total')?.textContent).toContain('2 images, 5.5 MB');
  });

  it('filters by usage and search', async () => {
    const { byId, settle } = await setup();
    const filter = byId<HTMLSelectElement>('image-usage-filter')!;
    filter.value = 'unused';
    filter.dispatchEvent(new Event('change'));
    await settle();
    expect(byId('image-row-capstan/busybox:local')).toBeNull();
    expect(byId('image-row-old:1')).not.toBeNull();
    filter.value = 'all';
    filter.dispatchEvent(new Event('change'));
    const search = byId<HTMLInputElement>('image-search')!;
    search.value = 'busy';
    search.dispatchEvent(new Event('input'));
    await settle();
    expect(byId('image-row-capstan/busybox:local')).not.toBeNull();
    expect(byId('image-row-old:1')).toBeNull();
  });

  it('pulls with live per-layer progress and reloads the list', async () => {
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('image-pull')!.click();
    await settle();
    const ref = byId<HTMLInputElement>('image-pull-reference')!;
    ref.value = 'registry:5000/team/app:1.0';
    ref.dispatchEvent(new Event('input'));
    byId<HTMLButtonElement>('image-pull-submit')!.click();
    await settle();
    const pull = api.last('POST /api/endpoints/7/docker/images/create')!;
    expect(new URLSearchParams(pull.search).get('fromImage')).toBe('registry:5000/team/app');
    expect(new URLSearchParams(pull.search).get('tag')).toBe('1.0');
    expect(byId('pull-layer-aaa111')?.textContent).toContain('Pull complete');
    expect(byId('pull-layer-bbb222')?.textContent).toContain('Downloading');
    expect(byId('image-pull-done')?.textContent).toContain('Downloaded newer image');
    expect(api.requests.filter((r) => r.path.endsWith('/images/json')).length).toBe(2);
    expect(pull.headers.get('X-Registry-Auth')).toBeNull();
  });

  it('sends the registry login of the dialog with the pull', async () => {
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('image-pull')!.click();
    await settle();
    const type = (id: string, value: string) => {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    type('image-pull-reference', 'registry:5000/team/app:1.0');
    byId<HTMLInputElement>('image-pull-login')!.click();
    await settle();
    type('image-pull-username', 'robot');
    type('image-pull-password', 'secret');
    byId<HTMLButtonElement>('image-pull-submit')!.click();
    await settle();
    const pull = api.last('POST /api/endpoints/7/docker/images/create')!;
    expect(pull.headers.get('X-Registry-Auth')).toBe(registryAuthHeader('robot', 'secret', 'registry:5000'));
  });

  it('offers the stored registries: the reference picks one, the pull names it, a bare name goes to it', async () => {
    api.on('GET /api/endpoints/7/registries', {
      body: [
        { Id: 3, Name: 'team', Type: 3, URL: 'registry:5000', Authentication: true, Username: '' },
        { Id: 4, Name: 'other', Type: 3, URL: 'other.example', Authentication: false, Username: '' },
      ],
    });
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('image-pull')!.click();
    await settle();
    const type = (id: string, value: string) => {
      const input = byId<HTMLInputElement>(id)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    type('image-pull-reference', 'registry:5000/team/app:1.0');
    await settle();
    expect(byId<HTMLSelectElement>('image-pull-registry')!.value).toBe('3');
    // A stored login replaces the typed one.
    expect(byId('image-pull-login')).toBeNull();
    byId<HTMLButtonElement>('image-pull-submit')!.click();
    await settle();
    let pull = api.last('POST /api/endpoints/7/docker/images/create')!;
    expect(JSON.parse(atob(pull.headers.get('X-Registry-Auth')!))).toEqual({ registryId: 3 });
    // Picked by hand, a name without a registry host is pulled from that registry.
    const select = byId<HTMLSelectElement>('image-pull-registry')!;
    select.value = '4';
    select.dispatchEvent(new Event('change'));
    type('image-pull-reference', 'team/app:2');
    byId<HTMLButtonElement>('image-pull-submit')!.click();
    await settle();
    pull = api.last('POST /api/endpoints/7/docker/images/create')!;
    expect(new URLSearchParams(pull.search).get('fromImage')).toBe('other.example/team/app');
    expect(JSON.parse(atob(pull.headers.get('X-Registry-Auth')!))).toEqual({ registryId: 4 });
  });

  it('shows an error line from the stream and does not report success', async () => {
    const { byId, settle } = await setup(Object.values(Permission), [
      { status: 'Pulling from team/app', id: 'nope' },
      { errorDetail: { message: 'manifest unknown' }, error: 'manifest unknown' },
    ]);
    byId<HTMLButtonElement>('image-pull')!.click();
    await settle();
    const ref = byId<HTMLInputElement>('image-pull-reference')!;
    ref.value = 'team/app:nope';
    ref.dispatchEvent(new Event('input'));
    byId<HTMLButtonElement>('image-pull-submit')!.click();
    await settle();
    expect(byId('image-pull-error')?.textContent).toContain('manifest unknown');
    expect(byId('image-pull-done')).toBeNull();
    expect(api.requests.filter((r) => r.path.endsWith('/images/json')).length).toBe(1);
  });

  it('rejects a bad reference without calling the engine', async () => {
    const fixture = TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([])],
    }).createComponent(ImagePullDialog);
    fixture.componentRef.setInput('envId', 7);
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const ref = el.querySelector<HTMLInputElement>('[data-testid="image-pull-reference"]')!;
    ref.value = 'Bad Name!';
    ref.dispatchEvent(new Event('input'));
    el.querySelector<HTMLButtonElement>('[data-testid="image-pull-submit"]')!.click();
    await flush();
    fixture.detectChanges();
    expect(el.textContent).toContain('not a valid image reference');
    expect(api.requests).toHaveLength(0);
  });

  it('removes with force after confirmation', async () => {
    const removed = images[1].Id;
    api.on(`DELETE /api/endpoints/7/docker/images/${encodeURIComponent(removed)}`, () => {
      images = images.slice(0, 1);
      return { body: [{ Deleted: 'x' }] };
    });
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('image-remove-old:1')!.click();
    await settle();
    byId<HTMLInputElement>('image-remove-force')!.click();
    byId<HTMLButtonElement>('image-remove-confirm')!.click();
    await settle();
    const call = api.requests.find((r) => r.method === 'DELETE')!;
    expect(decodeURIComponent(call.path)).toBe(`/api/endpoints/7/docker/images/${removed}`);
    expect(call.search).toBe('?force=1');
    expect(byId('image-row-old:1')).toBeNull();
  });

  it('prunes every unused image and shows the reclaimed space', async () => {
    api.on('POST /api/endpoints/7/docker/images/prune', {
      body: { ImagesDeleted: [{ Untagged: 'old:1' }, { Deleted: 'sha256:b' }], SpaceReclaimed: 1_000_000 },
    });
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('image-prune')!.click();
    await settle();
    byId<HTMLInputElement>('image-prune-all')!.click();
    byId<HTMLButtonElement>('image-prune-confirm')!.click();
    await settle();
    const call = api.last('POST /api/endpoints/7/docker/images/prune')!;
    expect(JSON.parse(new URLSearchParams(call.search).get('filters')!)).toEqual({ dangling: ['false'] });
    expect(byId('image-prune-result')?.textContent).toContain('1.0 MB reclaimed');
  });

  it('hides what a read-only role cannot do', async () => {
    const { byId } = await setup([Permission.EnvironmentRead, Permission.ResourcesRead]);
    expect(byId('image-row-old:1')).not.toBeNull();
    for (const id of ['image-pull', 'image-import', 'image-prune', 'image-remove-old:1', 'image-tag-old:1'])
      expect(byId(id)).toBeNull();
  });
});
