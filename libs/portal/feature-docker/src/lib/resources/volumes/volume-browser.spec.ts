import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { EnvironmentType, Permission } from '@capstan/contracts-api';
import {
  API_FETCH,
  type DockerEnvironment,
  FakeApi,
  ManualXhr,
  multipartFetch,
  provideFakeApi,
  XHR_FACTORY,
} from '@capstan/portal-data-access';
import { ConfirmHost, ConfirmService, ToastService } from '@capstan/portal-ui';
import { beforeEach, describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../../shell/environment-context';
import { breadcrumbs, childPath, nameError, normalisePath, parentPath, sortEntries } from './volume-browser';
import { VolumeBrowserPage } from './volume-browser-page';

const flush = () => new Promise((r) => setTimeout(r));

describe('volume browser paths', () => {
  it('normalises, joins and climbs paths without ever leaving the root', () => {
    expect(normalisePath(undefined)).toBe('/');
    expect(normalisePath('a//b/./c/')).toBe('/a/b/c');
    expect(normalisePath('/a/../../..')).toBe('/');
    expect(childPath('/', 'x')).toBe('/x');
    expect(childPath('/a/b', 'x')).toBe('/a/b/x');
    expect(parentPath('/a/b')).toBe('/a');
    expect(parentPath('/a')).toBe('/');
    expect(parentPath('/')).toBe('/');
  });

  it('builds a breadcrumb from the volume root, and sorts directories first', () => {
    expect(breadcrumbs('data', '/logs/2024')).toEqual([
      { label: 'data', path: '/' },
      { label: 'logs', path: '/logs' },
      { label: '2024', path: '/logs/2024' },
    ]);
    const e = (Name: string, Dir: boolean) => ({ Name, Dir, Size: 1, ModTime: 1 });
    expect(
      sortEntries([e('b.txt', false), e('z', true), e('a.txt', false), e('c', true)]).map((x) => x.Name),
    ).toEqual(['c', 'z', 'a.txt', 'b.txt']);
  });

  it('accepts a plain new name only', () => {
    expect(nameError('notes.txt')).toBeNull();
    expect(nameError('  ')).toMatch(/required/);
    expect(nameError('..')).toMatch(/cannot/);
    expect(nameError('a/b')).toMatch(/cannot/);
  });
});

function agentEnv(volumeBrowse?: 'none' | 'read' | 'write'): DockerEnvironment {
  return {
    Id: 3,
    Name: 'swarm',
    Type: EnvironmentType.Agent,
    Status: 1,
    Snapshots: [],
    CapstanAccess: {
      RoleId: 3,
      Permissions: Object.values(Permission),
      ...(volumeBrowse ? { VolumeBrowse: volumeBrowse } : {}),
    },
  } as unknown as DockerEnvironment;
}

describe('VolumeBrowserPage', () => {
  let api: FakeApi;
  let files: Record<string, { Name: string; Size: number; Dir: boolean; ModTime: number }[]>;

  beforeEach(() => {
    files = {
      '/': [
        { Name: 'notes.txt', Size: 1500, Dir: false, ModTime: 1_700_000_000 },
        { Name: 'logs', Size: 4096, Dir: true, ModTime: 1_700_000_000 },
      ],
      '/logs': [{ Name: 'app.log', Size: 12, Dir: false, ModTime: 1_700_000_000 }],
    };
    api = new FakeApi().on('GET /api/endpoints/3/docker/v2/browse/ls', (req) => {
      const path = new URLSearchParams(req.search).get('path') ?? '';
      const list = files[path];
      return list ? { body: list } : { status: 404, body: { message: 'No such file or directory' } };
    });
  });

  async function setup(
    access: 'none' | 'read' | 'write' = 'write',
    inputs: Record<string, string> = {},
    manualUploads = false,
  ) {
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(api),
        { provide: API_FETCH, useValue: multipartFetch(api) },
        ...(manualUploads ? [{ provide: XHR_FACTORY, useValue: ManualXhr.factory }] : []),
        provideRouter([]),
        EnvironmentContext,
      ],
    });
    TestBed.inject(EnvironmentContext).setEnvironment(agentEnv(access));
    const fixture = TestBed.createComponent(VolumeBrowserPage);
    fixture.componentRef.setInput('name', 'data');
    for (const [k, v] of Object.entries(inputs)) fixture.componentRef.setInput(k, v);
    const host = TestBed.createComponent(ConfirmHost);
    document.body.append(fixture.nativeElement as HTMLElement, host.nativeElement as HTMLElement);
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      for (let i = 0; i < 4; i++) {
        fixture.detectChanges();
        host.detectChanges();
        await flush();
      }
    };
    await settle();
    return { el, byId, settle, fixture };
  }

  it('lists a directory (directories first) with size and modification time, through the volume', async () => {
    const { el, byId } = await setup();
    const rows = [...el.querySelectorAll('tbody tr')].map((r) => r.getAttribute('data-testid'));
    expect(rows).toEqual(['browse-row-logs', 'browse-row-notes.txt']);
    expect(byId('browse-size-notes.txt')?.textContent?.trim()).toBe('1.5 kB');
    expect(byId('browse-size-logs')?.textContent?.trim()).toBe('—');
    const ls = api.last('GET /api/endpoints/3/docker/v2/browse/ls');
    expect(Object.fromEntries(new URLSearchParams(ls?.search))).toEqual({ volumeID: 'data', path: '/' });
    expect(byId('browse-crumbs')?.textContent).toContain('data');
    expect(byId('browse-up')).toBeNull();
  });

  it('enters a directory through the URL, shows the breadcrumb and the parent link; names the node', async () => {
    const { byId, fixture, settle } = await setup('write', { node: 'node2' });
    const router = TestBed.inject(Router);
    byId<HTMLButtonElement>('browse-open-logs')!.click();
    await settle();
    expect(router.url).toContain('path=%2Flogs');
    fixture.componentRef.setInput('path', '/logs');
    await settle();
    expect(byId('browse-row-app.log')).not.toBeNull();
    expect(byId('browse-up')).not.toBeNull();
    expect(byId('browse-crumb-/')?.textContent?.trim()).toBe('data');
    expect(byId('browse-node')?.textContent).toContain('node2');
    const ls = api.last('GET /api/endpoints/3/docker/v2/browse/ls');
    expect(new URLSearchParams(ls?.search).get('nodeName')).toBe('node2');
    expect(new URLSearchParams(ls?.search).get('path')).toBe('/logs');
  });

  it('uploads into the current directory as a multipart form (Path + file) and reloads', async () => {
    api.on('POST /api/endpoints/3/docker/v2/browse/put', { status: 204 });
    const { byId, settle } = await setup();
    const input = byId<HTMLInputElement>('browse-upload')!;
    const file = new File(['hello'], 'hello.txt', { type: 'text/plain' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    input.dispatchEvent(new Event('change'));
    await settle();
    await settle();
    const put = api.last('POST /api/endpoints/3/docker/v2/browse/put');
    // (jsdom's Request.formData() drops the file name on the way back; a browser keeps it.)
    expect(put?.body).toEqual({ Path: '/', file: expect.objectContaining({ text: 'hello' }) as unknown });
    expect(new URLSearchParams(put?.search).get('volumeID')).toBe('data');
    expect(api.requests.filter((r) => r.path.endsWith('/browse/ls')).length).toBeGreaterThan(1);
  });

  it('shows an upload’s progress, stops it on request, and says why an upload was refused', async () => {
    const { byId, settle } = await setup('write', {}, true);
    const input = byId<HTMLInputElement>('browse-upload')!;
    const pick = (name: string) => {
      Object.defineProperty(input, 'files', {
        value: [new File(['x'.repeat(10)], name)],
        configurable: true,
      });
      input.dispatchEvent(new Event('change'));
    };
    const listings = () => api.requests.filter((r) => r.path.endsWith('/browse/ls')).length;
    const before = listings();
    pick('big.iso');
    await settle();
    const xhr = ManualXhr.last!;
    expect(xhr.url).toBe('http://localhost/api/endpoints/3/docker/v2/browse/put?volumeID=data');
    xhr.progress(4, 10);
    await settle();
    const progress = byId('browse-upload-progress');
    expect(progress?.querySelector('.name')?.textContent?.trim()).toBe('big.iso');
    expect(progress?.querySelector('.amount')?.textContent?.trim()).toBe('40%');
    expect(progress?.querySelector('progress')?.value).toBe(40);
    expect(byId<HTMLInputElement>('browse-upload')?.disabled).toBe(true);
    byId<HTMLButtonElement>('browse-upload-stop')!.click();
    await settle();
    expect(xhr.aborted).toBe(true);
    expect(byId('browse-upload-progress')).toBeNull();
    const toasts = () =>
      TestBed.inject(ToastService)
        .toasts()
        .map((t) => `${t.kind}: ${t.message}`);
    expect(toasts()).toContain('info: Upload of big.iso stopped');
    expect(listings()).toBe(before);

    // A refusal from the agent or the server: its message, and the directory is not reloaded.
    pick('denied.txt');
    await settle();
    ManualXhr.last!.answer(403, '{"message":"Access denied to resource","details":"Read-only users"}');
    await settle();
    expect(toasts()).toContain(
      'error: Could not upload denied.txt: Access denied to resource: Read-only users',
    );
    expect(listings()).toBe(before);
    expect(byId<HTMLInputElement>('browse-upload')?.disabled).toBe(false);
  });

  it('renames with the full paths and deletes after confirmation', async () => {
    api.on('PUT /api/endpoints/3/docker/v2/browse/rename', { status: 204 });
    api.on('DELETE /api/endpoints/3/docker/v2/browse/delete', { status: 204 });
    const { byId, settle } = await setup();
    byId<HTMLButtonElement>('browse-rename-notes.txt')!.click();
    await settle();
    const name =
      byId<HTMLInputElement>('browse-rename-name') ??
      document.querySelector<HTMLInputElement>('[data-testid="browse-rename-name"]')!;
    name.value = 'todo.txt';
    name.dispatchEvent(new Event('input'));
    await settle();
    document.querySelector<HTMLButtonElement>('[data-testid="browse-rename-save"]')!.click();
    await settle();
    expect(api.last('PUT /api/endpoints/3/docker/v2/browse/rename')?.body).toEqual({
      CurrentFilePath: '/notes.txt',
      NewFilePath: '/todo.txt',
    });
    byId<HTMLButtonElement>('browse-delete-notes.txt')!.click();
    await settle();
    TestBed.inject(ConfirmService).answer(true);
    await settle();
    const del = api.last('DELETE /api/endpoints/3/docker/v2/browse/delete');
    expect(new URLSearchParams(del?.search).get('path')).toBe('/notes.txt');
  });

  it('offers downloads but no upload, rename or delete to a reader; explains a refusal', async () => {
    const { byId } = await setup('read');
    expect(byId('browse-download-notes.txt')).not.toBeNull();
    expect(byId('browse-upload')).toBeNull();
    expect(byId('browse-rename-notes.txt')).toBeNull();
    expect(byId('browse-delete-notes.txt')).toBeNull();
    expect(byId('browse-denied')).toBeNull();
  });

  it('shows the server refusal and the reason when browsing is off', async () => {
    api.on('GET /api/endpoints/3/docker/v2/browse/ls', {
      status: 403,
      body: {
        message: 'Volume browsing is disabled for regular users on this environment',
        details: 'AllowVolumeBrowserForRegularUsers is off',
      },
    });
    const { byId } = await setup('none');
    expect(byId('browse-denied')).not.toBeNull();
    expect(byId('browse-error')?.textContent).toContain('Volume browsing is disabled');
  });
});
