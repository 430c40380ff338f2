import { AppTemplateType } from '@capstan/contracts-api';
import type { AppTemplate } from '@capstan/portal-data-access';
import { describe, expect, it } from 'vitest';

import { toCreateRequest } from '../containers/create/container-form';
import { variablesError } from './custom-template-edit-page';
import {
  filterTemplates,
  missingTemplateEnv,
  templateCategories,
  templateContainerForm,
  templateEnv,
  templateEnvFields,
  templateSlug,
} from './template-forms';

function tpl(over: Partial<AppTemplate> = {}): AppTemplate {
  return {
    type: AppTemplateType.Container,
    title: 'Web',
    description: 'A web server',
    image: 'nginx',
    ...over,
  };
}

describe('app template gallery rules', () => {
  const list = [
    tpl({ title: 'Nginx', categories: ['webserver'] }),
    tpl({ title: 'Redis', categories: ['Database'], image: 'redis:7' }),
    tpl({ type: AppTemplateType.ComposeStack, title: 'WordPress', categories: ['CMS', 'database'] }),
    tpl({ type: AppTemplateType.SwarmStack, title: 'Nginx (Swarm)', categories: ['webserver'] }),
  ];

  it('lists categories once, case-insensitively, sorted', () => {
    expect(templateCategories(list)).toEqual(['CMS', 'Database', 'webserver']);
  });

  it('filters by search and category, and by the engine kind for stack templates', () => {
    expect(filterTemplates(list, '', '', false).map((t) => t.title)).toEqual(['Nginx', 'Redis', 'WordPress']);
    expect(filterTemplates(list, '', '', true).map((t) => t.title)).toEqual([
      'Nginx',
      'Redis',
      'Nginx (Swarm)',
    ]);
    expect(filterTemplates(list, 'redis:7', '', false).map((t) => t.title)).toEqual(['Redis']);
    expect(filterTemplates(list, '', 'DATABASE', false).map((t) => t.title)).toEqual(['Redis', 'WordPress']);
  });

  it('makes test ids from titles', () => {
    expect(templateSlug('Nginx (Swarm, 2 replicas)')).toBe('nginx-swarm-2-replicas');
  });
});

describe('app template fields', () => {
  const t = tpl({
    env: [
      { name: 'USER', label: 'User', default: 'postgres' },
      { name: 'PASSWORD', label: 'Password', description: 'Required' },
      {
        name: 'MODE',
        select: [
          { text: 'A', value: 'a' },
          { text: 'B', value: 'b', default: true },
        ],
      },
      { name: 'FIXED', default: 'yes', preset: true },
    ],
  });

  it('asks for the non-preset fields with their defaults and sends presets as they are', () => {
    expect(templateEnvFields(t).map((f) => [f.field.name, f.value])).toEqual([
      ['USER', 'postgres'],
      ['PASSWORD', ''],
      ['MODE', 'b'],
    ]);
    expect(missingTemplateEnv(t, {})).toEqual(['Password']);
    expect(templateEnv(t, { PASSWORD: 'p $ w', FIXED: 'no' })).toEqual([
      { name: 'USER', value: 'postgres' },
      { name: 'PASSWORD', value: 'p $ w' },
      { name: 'MODE', value: 'b' },
      { name: 'FIXED', value: 'yes' },
    ]);
  });

  it('turns a container template into the create request: ports, binds, env, labels, restart', () => {
    const form = templateContainerForm(
      tpl({
        image: 'capstan/busybox:local',
        registry: 'reg.local:5000/',
        command: 'sleep 600',
        ports: ['8080:80/tcp', '53/udp'],
        volumes: [{ container: '/data' }, { container: '/etc/x', bind: '/srv/x', readonly: true }],
        labels: [{ name: 'from', value: 'template' }],
        restart_policy: 'unless-stopped',
        env: [{ name: 'A', default: '1' }],
      }),
      ' app ',
      { A: '2' },
      { '53/udp': '5353' },
    );
    const body = toCreateRequest(form);
    expect(form.name).toBe('app');
    expect(body.Image).toBe('reg.local:5000/capstan/busybox:local');
    expect(body.Cmd).toEqual(['sleep', '600']);
    expect(body.HostConfig.PortBindings).toEqual({
      '80/tcp': [{ HostPort: '8080' }],
      '53/udp': [{ HostPort: '5353' }],
    });
    expect(body.HostConfig.Binds).toEqual(['/srv/x:/etc/x:ro']);
    expect(body.Env).toEqual(['A=2']);
    expect(body.Labels).toEqual({ from: 'template' });
    expect(body.HostConfig.RestartPolicy).toEqual({ Name: 'unless-stopped' });
  });
});

describe('custom template variables', () => {
  const row = (name: string, over = {}) => ({
    name,
    label: '',
    defaultValue: '',
    description: '',
    choices: '',
    ...over,
  });

  it('refuses what the server would: bad or repeated names, a default outside the choices', () => {
    expect(variablesError([row('image'), row('tag', { choices: 'a, b', defaultValue: 'b' })])).toBeNull();
    expect(variablesError([row('1x')])).toMatch(/Variable 1/);
    expect(variablesError([row('a'), row('a')])).toMatch(/twice/);
    expect(variablesError([row('t', { choices: 'a,b', defaultValue: 'c' })])).toMatch(/one of the choices/);
  });
});
