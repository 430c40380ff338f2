import type { Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import {
  API_FETCH,
  type DockerEnvironment,
  FakeApi,
  WEBSOCKET_FACTORY,
  multipartFetch,
  provideFakeApi,
} from '@capstan/portal-data-access';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../shell/environment-context';
import { StackCreatePage } from './stack-create-page';
import { StackDetailsPage } from './stack-details-page';

const flush = () => new Promise((r) => setTimeout(r, 5));

/** A progress socket that answers like the server when no deploy runs: the last log, then done. */
class FakeSocket {
  static urls: string[] = [];
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  constructor(url: string) {
    FakeSocket.urls.push(url);
    setTimeout(() => {
      this.onmessage?.({ data: ' Container web-app-1  Started' });
      this.onmessage?.({ data: '{"done":true}' });
      this.onclose?.({ code: 1000 });
    });
  }
  close(): void {
    // The page closed it.
  }
}

function env(): DockerEnvironment {
  return {
    Id: 3,
    Name: 'local',
    Status: 1,
    Snapshots: [],
    CapstanAccess: { RoleId: 1, Permissions: Object.values(Permission) },
  } as unknown as DockerEnvironment;
}

const STACK = {
  Id: 8,
  Name: 'web',
  Type: 2,
  EndpointId: 3,
  Status: 1,
  Env: [],
  CreationDate: 1_700_000_000,
  CreatedBy: 'admin',
  UpdateDate: 0,
  UpdatedBy: '',
  ResourceControl: null,
};

async function mount<T>(api: FakeApi, component: Type<T>, inputs: Record<string, unknown> = {}) {
  FakeSocket.urls = [];
  TestBed.configureTestingModule({
    providers: [
      provideFakeApi(api),
      { provide: API_FETCH, useValue: multipartFetch(api) },
      provideRouter([]),
      EnvironmentContext,
      { provide: WEBSOCKET_FACTORY, useValue: (url: string) => new FakeSocket(url) as unknown as WebSocket },
    ],
  });
  TestBed.inject(EnvironmentContext).setEnvironment(env());
  const fixture = TestBed.createComponent(component);
  for (const [k, v] of Object.entries(inputs)) fixture.componentRef.setInput(k, v);
  document.body.append(fixture.nativeElement as HTMLElement);
  const el = fixture.nativeElement as HTMLElement;
  const byId = <E extends HTMLElement>(id: string) => document.querySelector<E>(`[data-testid="${id}"]`);
  const settle = async () => {
    for (let i = 0; i < 6; i++) {
      fixture.detectChanges();
      await flush();
    }
  };
  await settle();
  return { el, byId, settle, fixture };
}

// jsdom has no layout: CodeMirror's measuring asks ranges for rectangles.
beforeAll(() => {
  const empty = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
  Range.prototype.getClientRects ??= empty;
  Range.prototype.getBoundingClientRect ??= () => new DOMRect();
});

afterEach(() => {
  TestBed.resetTestingModule();
  document.body.innerHTML = '';
});

describe('StackCreatePage sources', () => {
  function api() {
    return new FakeApi()
      .on('GET /api/endpoints/3/docker/info', { body: { Swarm: { ControlAvailable: false } } })
      .on('GET /api/stacks', { body: [STACK] })
      .on('POST /api/stacks/create/standalone/file', { body: STACK })
      .on('POST /api/stacks/create/standalone/repository', { body: STACK });
  }

  it('uploads the chosen file on the multipart route, not through the editor', async () => {
    const fake = api();
    const { byId, settle } = await mount(fake, StackCreatePage);
    byId<HTMLInputElement>('stack-source-upload')!.click();
    await settle();
    const input = byId<HTMLInputElement>('stack-upload')!;
    const file = new File(['services:\n  app: {image: busybox}\n'], 'My App.yml', { type: 'text/yaml' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    input.dispatchEvent(new Event('change'));
    await settle();
    expect(byId('stack-upload-name')?.textContent).toBe('My App.yml');
    expect(byId<HTMLInputElement>('stack-name')?.value).toBe('my-app');
    byId<HTMLButtonElement>('stack-deploy')!.click();
    await settle();
    const sent = fake.last('POST /api/stacks/create/standalone/file');
    expect(sent?.body).toEqual({
      Name: 'my-app',
      file: { file: expect.any(String) as unknown, text: 'services:\n  app: {image: busybox}\n' },
      Env: '[]',
    });
    expect(fake.requests.some((r) => r.path.endsWith('/string'))).toBe(false);
  });

  it('refuses a git source with bad fields before sending, then sends the repository fields', async () => {
    const fake = api();
    const { byId, settle } = await mount(fake, StackCreatePage);
    byId<HTMLInputElement>('stack-source-git')!.click();
    await settle();
    const type = (id: string, value: string) => {
      const i = byId<HTMLInputElement>(id)!;
      i.value = value;
      i.dispatchEvent(new Event('input'));
    };
    type('stack-name', 'web');
    type('stack-git-url', 'git@host:r.git');
    byId<HTMLButtonElement>('stack-deploy')!.click();
    await settle();
    expect(byId('stack-file-error')?.textContent).toContain('Check the repository fields');
    expect(fake.last('POST /api/stacks/create/standalone/repository')).toBeUndefined();
    type('stack-git-url', 'https://git.local/r.git');
    byId<HTMLInputElement>('stack-git-auto')!.click();
    await settle();
    byId<HTMLInputElement>('stack-git-mechanism-webhook')!.click();
    await settle();
    const hook = byId('stack-git-webhook-url')?.textContent ?? '';
    expect(hook).toMatch(/\/api\/stacks\/webhooks\/[0-9a-f-]{36}$/);
    byId<HTMLButtonElement>('stack-deploy')!.click();
    await settle();
    const body = fake.last('POST /api/stacks/create/standalone/repository')?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      Name: 'web',
      RepositoryURL: 'https://git.local/r.git',
      ComposeFile: 'docker-compose.yml',
      RepositoryAuthentication: false,
    });
    expect((body['AutoUpdate'] as { Webhook: string }).Webhook).toBe(hook.split('/').pop());
  });
});

describe('StackDetailsPage', () => {
  function api(stack: Record<string, unknown> = STACK) {
    return new FakeApi()
      .on('GET /api/stacks/8', { body: stack })
      .on('GET /api/stacks/8/file', { body: { StackFileContent: 'services:\n  app:\n    image: a\n' } })
      .on('GET /api/stacks/8/versions', { body: { Versions: [1], Current: 1 } })
      .on('GET /api/endpoints/3/docker/containers/json', { body: [] })
      .on('PUT /api/stacks/8', { body: stack })
      .on('PUT /api/stacks/8/git/redeploy', { body: stack });
  }

  it('shows the deploy log from the progress socket and deploys an update only after the diff is confirmed', async () => {
    const fake = api();
    const { byId, settle, fixture } = await mount(fake, StackDetailsPage, { id: '8' });
    expect(FakeSocket.urls).toContain('ws://localhost/api/websocket/stack-deploy?stackId=8');
    expect(byId('stack-deploy-log')?.textContent).toContain('Container web-app-1  Started');
    expect(fake.requests.some((r) => r.path.endsWith('/deploy-log'))).toBe(false);
    // Edit the file (the editor's value), then Review and update.
    (fixture.componentInstance as unknown as { content: { set(v: string): void } }).content.set(
      'services:\n  app:\n    image: b\n',
    );
    byId<HTMLButtonElement>('stack-update')!.click();
    await settle();
    expect(byId('stack-diff-dialog')).not.toBeNull();
    expect(fake.last('PUT /api/stacks/8')).toBeUndefined();
    byId<HTMLButtonElement>('stack-diff-confirm')!.click();
    await settle();
    expect(fake.last('PUT /api/stacks/8')?.body).toMatchObject({
      StackFileContent: 'services:\n  app:\n    image: b\n',
    });
    expect(byId('stack-diff-dialog')).toBeNull();
  });

  it("shows a git stack's source, its webhook URL, and pulls and redeploys it", async () => {
    const git = {
      ...STACK,
      GitConfig: {
        URL: 'https://git.local/r.git',
        ReferenceName: 'refs/heads/main',
        ConfigFilePath: 'docker-compose.yml',
        ConfigHash: '0123456789abcdef0123',
        TLSSkipVerify: false,
      },
      AutoUpdate: { Interval: '', Webhook: 'f00d-1', ForceUpdate: false, ForcePullImage: false },
    };
    const fake = api(git);
    const { byId, settle } = await mount(fake, StackDetailsPage, { id: '8' });
    expect(byId('stack-git-url')?.textContent).toBe('https://git.local/r.git');
    expect(byId('stack-git-commit')?.textContent?.trim()).toBe('0123456789ab');
    expect(byId('stack-webhook-url')?.textContent).toBe('http://localhost/api/stacks/webhooks/f00d-1');
    expect(byId('stack-update')).toBeNull();
    byId<HTMLButtonElement>('stack-git-redeploy')!.click();
    await settle();
    expect(fake.last('PUT /api/stacks/8/git/redeploy')?.body).toEqual({
      RepositoryReferenceName: 'refs/heads/main',
      Env: [],
      Prune: false,
      PullImage: false,
    });
  });
});
