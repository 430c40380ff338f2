import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { type DockerEnvironment, FakeApi, provideFakeApi } from '@capstan/portal-data-access';
import type { TableColumn } from '@capstan/portal-ui';
import { describe, expect, it } from 'vitest';

import { VolumesPage } from '../resources/volumes/volumes-page';
import { EnvironmentContext } from '../shell/environment-context';
import { agentNode, matchesNode, nodeNamesOf, withNodeColumn } from './node-column';

const flush = () => new Promise((r) => setTimeout(r));
const tagged = (name: string, node?: string) => ({
  Name: name,
  Driver: 'local',
  Mountpoint: `/v/${name}`,
  ...(node ? { Portainer: { Agent: { NodeName: node } } } : {}),
});

describe('node column', () => {
  it('reads the agent tag, lists distinct nodes sorted, filters', () => {
    const items = [tagged('a', 'node2'), tagged('b', 'node1'), tagged('c', 'node2'), tagged('d')];
    expect(agentNode(items[0])).toBe('node2');
    expect(agentNode(items[3])).toBe('');
    expect(nodeNamesOf(items)).toEqual(['node1', 'node2']);
    expect(items.filter((i) => matchesNode(i, 'node2')).map((i) => i.Name)).toEqual(['a', 'c']);
    expect(items.filter((i) => matchesNode(i, ''))).toHaveLength(4);
  });

  it('adds "Node" before the actions only when asked', () => {
    const cols: TableColumn<{ Name: string }>[] = [
      { key: 'Name', label: 'Name' },
      { key: 'actions', label: 'Actions' },
    ];
    expect(withNodeColumn(cols, false)).toBe(cols);
    expect(withNodeColumn(cols, true).map((c) => c.label)).toEqual(['Name', 'Node', 'Actions']);
  });

  it('volumes of an agent cluster: Node column and a node filter; a plain engine has neither', async () => {
    const api = new FakeApi()
      .on('GET /api/endpoints/3/docker/volumes', {
        body: { Volumes: [tagged('data', 'node1'), tagged('cache', 'node2')], Warnings: null },
      })
      .on('GET /api/endpoints/3/docker/containers/json', { body: [] });
    TestBed.configureTestingModule({
      providers: [provideFakeApi(api), provideRouter([]), EnvironmentContext],
    });
    TestBed.inject(EnvironmentContext).setEnvironment({
      Id: 3,
      Name: 'swarm',
      Status: 1,
      Snapshots: [],
      CapstanAccess: { RoleId: 1, Permissions: Object.values(Permission) },
    } as unknown as DockerEnvironment);
    const fixture = TestBed.createComponent(VolumesPage);
    const el = fixture.nativeElement as HTMLElement;
    const settle = async () => {
      for (let i = 0; i < 4; i++) {
        fixture.detectChanges();
        await flush();
      }
    };
    await settle();
    expect([...el.querySelectorAll('th')].map((th) => th.textContent?.replace('↕', '').trim())).toContain(
      'Node',
    );
    expect(el.querySelector('[data-testid="volume-row-data"]')?.textContent).toContain('node1');
    const filter = el.querySelector<HTMLSelectElement>('[data-testid="volume-node-filter"]')!;
    expect([...filter.options].map((o) => o.textContent?.trim())).toEqual(['All nodes', 'node1', 'node2']);
    filter.value = 'node2';
    filter.dispatchEvent(new Event('change'));
    await settle();
    expect(el.querySelector('[data-testid="volume-row-data"]')).toBeNull();
    expect(el.querySelector('[data-testid="volume-row-cache"]')).not.toBeNull();

    api.on('GET /api/endpoints/3/docker/volumes', { body: { Volumes: [tagged('plain')], Warnings: null } });
    await (fixture.componentInstance as unknown as { load(): Promise<void> }).load();
    filter.value = '';
    filter.dispatchEvent(new Event('change'));
    await settle();
    expect([...el.querySelectorAll('th')].map((th) => th.textContent?.replace('↕', '').trim())).not.toContain(
      'Node',
    );
    expect(el.querySelector('[data-testid="volume-node-filter"]')).toBeNull();
  });
});
