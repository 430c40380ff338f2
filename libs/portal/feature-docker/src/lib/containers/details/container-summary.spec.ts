import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';

import { inspectFactory } from '../testing/factories';
import { ContainerSummaryView, envPairs, portViews, restartPolicyLabel } from './container-summary';

describe('container summary helpers', () => {
  it('lists published ports once per host port, linking TCP ones on the publish host', () => {
    const c = inspectFactory({
      NetworkSettings: {
        Networks: {},
        Ports: {
          '80/tcp': [
            { HostIp: '0.0.0.0', HostPort: '8080' },
            { HostIp: '::', HostPort: '8080' },
          ],
          '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
          '9000/tcp': null,
        },
      },
    });
    expect(portViews(c, 'docker.example')).toEqual([
      { container: '80/tcp', host: 'docker.example:8080', url: 'http://docker.example:8080' },
      { container: '53/udp', host: '127.0.0.1:5353', url: null },
      { container: '9000/tcp', host: '', url: null },
    ]);
  });

  it('falls back to the configured bindings of a stopped container', () => {
    const c = inspectFactory({ NetworkSettings: { Networks: {} } });
    expect(portViews(c, 'h')).toEqual([{ container: '80/tcp', host: 'h:8080', url: 'http://h:8080' }]);
  });

  it('splits environment lines at the first =, sorted', () => {
    expect(envPairs(['Z=1', 'A=x=y', 'FLAG'])).toEqual([
      ['A', 'x=y'],
      ['FLAG', ''],
      ['Z', '1'],
    ]);
    expect(envPairs(null)).toEqual([]);
  });

  it('names the restart policy, with the retry bound of on-failure', () => {
    expect(restartPolicyLabel({ Name: 'on-failure', MaximumRetryCount: 3 })).toBe('on-failure (max 3)');
    expect(restartPolicyLabel({ Name: '' })).toBe('no');
    expect(restartPolicyLabel({ Name: 'always' })).toBe('always');
  });
});

describe('ContainerSummaryView', () => {
  it('shows status and health, ports as links, command, restart policy, networks, mounts, env and labels', async () => {
    const fixture = TestBed.createComponent(ContainerSummaryView);
    const c = inspectFactory({
      State: {
        Status: 'running',
        Running: true,
        Paused: false,
        Restarting: false,
        ExitCode: 0,
        StartedAt: '2026-11-23T02:00:01Z',
        FinishedAt: '0001-01-01T00:00:00Z',
        Health: {
          Status: 'unhealthy',
          FailingStreak: 3,
          Log: [{ Start: '', End: '', ExitCode: 1, Output: 'curl: (7) Failed to connect\n' }],
        },
      },
      RestartCount: 2,
      Mounts: [
        {
          Type: 'volume',
          Name: 'cache',
          Source: '/var/lib/docker/volumes/cache/_data',
          Destination: '/var/cache/nginx',
          RW: true,
        },
      ],
      NetworkSettings: {
        Networks: {
          bridge: { IPAddress: '172.17.0.9', Gateway: '172.17.0.1', MacAddress: '02:42:ac:11:00:09' },
        },
        Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] },
      },
    });
    fixture.componentRef.setInput('data', c);
    fixture.componentRef.setInput('publishHost', 'docker.example');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const text = (id: string) =>
      el.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim();

    expect(text('summary-state')).toMatch(/^running since /);
    expect(text('summary-health')).toContain('unhealthy');
    expect(text('summary-health')).toContain('3 failed checks in a row');
    expect(text('summary-health')).toContain('curl: (7) Failed to connect');
    const link = el.querySelector<HTMLAnchorElement>('[data-testid="summary-port-80/tcp"]');
    expect(link?.href).toBe('http://docker.example:8080/');
    expect(link?.target).toBe('_blank');
    expect(text('summary-command')).toBe("nginx -g 'daemon off;'");
    expect(text('summary-entrypoint')).toBe('/docker-entrypoint.sh');
    expect(text('summary-restart')).toBe('unless-stopped · restarted 2×');
    expect(text('summary-networks')).toContain('bridge 172.17.0.9 via 172.17.0.1');
    expect(text('summary-mounts')).toContain('volume cache → /var/cache/nginx read-write');
    expect(text('summary-env')).toContain('MODEprod');
    expect(text('summary-labels')).toContain('teamweb');
  });
});
