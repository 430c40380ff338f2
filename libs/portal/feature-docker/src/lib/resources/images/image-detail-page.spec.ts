import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { type DockerEnvironment, FakeApi, provideFakeApi } from '@capstan/portal-data-access';
import { ConfirmHost } from '@capstan/portal-ui';
import { describe, expect, it } from 'vitest';

import { EnvironmentContext } from '../../shell/environment-context';
import { ImageDetailPage } from './image-detail-page';

const flush = () => new Promise((r) => setTimeout(r));
const ID = `sha256:${'c'.repeat(64)}`;

async function setup(permissions: string[]) {
  const api = new FakeApi()
    .on(`GET /api/endpoints/2/docker/images/${encodeURIComponent(ID)}/json`, {
      body: {
        Id: ID,
        RepoTags: ['app:1', 'app:latest'],
        Created: '2026-11-20T10:00:00Z',
        Size: 12_000_000,
        Os: 'linux',
        Architecture: 'amd64',
        Config: { Cmd: ['sh'], Env: ['PATH=/bin'], Labels: { team: 'qa' } },
      },
    })
    .on(`GET /api/endpoints/2/docker/images/${encodeURIComponent(ID)}/history`, {
      body: [
        {
          Id: ID,
          Created: 1_700_000_100,
          CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"]',
          Tags: ['app:1'],
          Size: 0,
          Comment: '',
        },
        {
          Id: 'missing',
          Created: 1_700_000_050,
          CreatedBy: '/bin/sh -c apk add curl',
          Tags: null,
          Size: 2_000_000,
          Comment: '',
        },
        {
          Id: 'missing',
          Created: 1_700_000_000,
          CreatedBy: '',
          Tags: null,
          Size: 10_000_000,
          Comment: 'Imported from -',
        },
      ],
    })
    .on('GET /api/endpoints/2/docker/containers/json', {
      body: [{ Id: 'c1', Names: ['/web'], Image: 'app:1', ImageID: ID, State: 'exited' }],
    })
    .on(`DELETE /api/endpoints/2/docker/images/${encodeURIComponent(ID)}`, { body: [{ Deleted: ID }] });
  TestBed.configureTestingModule({ providers: [provideFakeApi(api), provideRouter([]), EnvironmentContext] });
  TestBed.inject(EnvironmentContext).setEnvironment({
    Id: 2,
    Status: 1,
    Snapshots: [],
    CapstanAccess: { RoleId: 1, Permissions: permissions },
  } as unknown as DockerEnvironment);
  const fixture = TestBed.createComponent(ImageDetailPage);
  fixture.componentRef.setInput('id', ID);
  const host = TestBed.createComponent(ConfirmHost);
  document.body.append(fixture.nativeElement as HTMLElement, host.nativeElement as HTMLElement);
  const el = fixture.nativeElement as HTMLElement;
  const byId = (id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      fixture.detectChanges();
      host.detectChanges();
      await flush();
    }
  };
  await settle();
  return { api, byId, settle };
}

describe('ImageDetailPage', () => {
  it('shows the image, who uses it, and its layers numbered from the base', async () => {
    const { byId } = await setup(Object.values(Permission));
    expect(byId('image-overview')?.textContent).toContain('app:latest');
    expect(byId('image-used-by')?.textContent).toContain('web');
    expect(byId('image-config')?.textContent).toContain('team=qa');
    expect(byId('image-layer-1')?.textContent).toContain('Imported from -');
    expect(byId('image-layer-2')?.textContent).toContain('RUN apk add curl');
    expect(byId('image-layer-3')?.textContent).toContain('CMD ["sh"]');
    // Base URL of the test API; '' (same origin) in the app.
    expect(byId('image-detail-export')?.getAttribute('href')).toBe(
      'http://localhost/api/endpoints/2/docker/images/app%3A1/get',
    );
  });

  it('removes the image by id with force after confirmation', async () => {
    const { api, byId, settle } = await setup(Object.values(Permission));
    byId('image-detail-remove')!.click();
    await settle();
    expect(document.querySelector('[data-testid="confirm-dialog"]')?.textContent).toContain('used by web');
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-ok"]')!.click();
    await settle();
    const call = api.requests.find((r) => r.method === 'DELETE')!;
    expect(call.search).toBe('?force=1');
  });

  it('offers no removal to a role without manage rights', async () => {
    const { byId } = await setup([Permission.EnvironmentRead, Permission.ResourcesRead]);
    expect(byId('image-overview')).not.toBeNull();
    expect(byId('image-detail-remove')).toBeNull();
  });
});
