import { describe, expect, it } from 'vitest';

import { inspectFactory } from '../testing/factories';
import {
  emptyForm,
  formFromInspect,
  imagePullQuery,
  mergeEnv,
  ownershipBody,
  parseEnvFile,
  toCreateRequest,
  validateForm,
} from './container-form';

describe('container form → create body', () => {
  it('builds Docker create fields from every section', () => {
    const form = {
      ...emptyForm(),
      name: 'web',
      image: ' nginx:1.27 ',
      command: `sh -c "echo 'hi there'; sleep 60"`,
      entrypoint: '/entry.sh --flag',
      workingDir: '/srv',
      user: '1000:1000',
      interactive: true,
      ports: [
        { host: '8080', container: '80', protocol: 'tcp' as const },
        { host: '', container: '53', protocol: 'udp' as const },
        { host: '8443', container: '80', protocol: 'tcp' as const },
      ],
      volumes: [
        { type: 'bind' as const, source: '/srv/www', target: '/usr/share/nginx/html', readOnly: true },
        { type: 'volume' as const, source: 'cache', target: '/var/cache', readOnly: false },
        { type: 'volume' as const, source: '', target: '', readOnly: false },
      ],
      env: [
        { key: 'MODE', value: 'prod' },
        { key: 'EMPTY', value: '' },
        { key: '', value: '' },
      ],
      labels: [{ key: 'team', value: 'web' }],
      restartPolicy: 'on-failure' as const,
      maxRetries: '3',
      network: 'backend',
      ipv4: '172.20.0.10',
      cpus: '1.5',
      memoryMb: '256',
      capAdd: 'net_admin, SYS_TIME',
      capDrop: 'MKNOD',
      privileged: true,
    };
    expect(validateForm(form)).toEqual({});
    expect(toCreateRequest(form)).toEqual({
      Image: 'nginx:1.27',
      Cmd: ['sh', '-c', "echo 'hi there'; sleep 60"],
      Entrypoint: ['/entry.sh', '--flag'],
      WorkingDir: '/srv',
      User: '1000:1000',
      Env: ['MODE=prod', 'EMPTY='],
      Labels: { team: 'web' },
      Tty: true,
      OpenStdin: true,
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      HostConfig: {
        PortBindings: {
          '80/tcp': [{ HostPort: '8080' }, { HostPort: '8443' }],
          '53/udp': [{ HostPort: '' }],
        },
        Binds: ['/srv/www:/usr/share/nginx/html:ro', 'cache:/var/cache'],
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
        NetworkMode: 'backend',
        Privileged: true,
        CapAdd: ['NET_ADMIN', 'SYS_TIME'],
        CapDrop: ['MKNOD'],
        Memory: 256 * 1024 * 1024,
        NanoCpus: 1_500_000_000,
      },
      NetworkingConfig: { EndpointsConfig: { backend: { IPAMConfig: { IPv4Address: '172.20.0.10' } } } },
    });
  });

  it('leaves image defaults alone when command, entrypoint and limits are empty', () => {
    const body = toCreateRequest({ ...emptyForm(), image: 'busybox' });
    expect(body.Cmd).toBeUndefined();
    expect(body.Entrypoint).toBeUndefined();
    expect(body.HostConfig.NetworkMode).toBeUndefined();
    expect(body.HostConfig.Memory).toBe(0);
    expect(body.HostConfig.RestartPolicy).toEqual({ Name: 'no' });
  });

  it('reports what the engine would refuse', () => {
    const errors = validateForm({
      ...emptyForm(),
      name: '-bad',
      ports: [{ host: '70000', container: '80', protocol: 'tcp' }],
      volumes: [{ type: 'bind', source: 'relative', target: '/data', readOnly: false }],
      env: [{ key: 'A B', value: '1' }],
      ipv4: '10.0.0.5',
      memoryMb: '2',
      ownership: 'restricted',
    });
    expect(Object.keys(errors).sort()).toEqual(
      ['env-0', 'image', 'ipv4', 'memoryMb', 'name', 'ownership', 'port-0', 'volume-0'].sort(),
    );
  });

  it('maps each ownership choice to the resource control body', () => {
    const f = { ...emptyForm(), users: [4, 4, 9], teams: [2] };
    expect(ownershipBody({ ...f, ownership: 'public' }, 3)).toEqual({
      Public: true,
      AdministratorsOnly: false,
      Users: [],
      Teams: [],
    });
    expect(ownershipBody({ ...f, ownership: 'administrators' }, 3)).toEqual({
      Public: false,
      AdministratorsOnly: true,
      Users: [],
      Teams: [],
    });
    expect(ownershipBody({ ...f, ownership: 'private' }, 3)).toEqual({
      Public: false,
      AdministratorsOnly: false,
      Users: [3],
      Teams: [],
    });
    expect(ownershipBody({ ...f, ownership: 'restricted' }, 3)).toEqual({
      Public: false,
      AdministratorsOnly: false,
      Users: [4, 9],
      Teams: [2],
    });
  });

  it('reads .env text and merges it into existing rows', () => {
    const rows = parseEnvFile(
      `# comment\nexport A=1\nB = "two words"\nC='x # y'\nD=plain # trailing\n\nnot a line\n`,
    );
    expect(rows).toEqual([
      { key: 'A', value: '1' },
      { key: 'B', value: 'two words' },
      { key: 'C', value: 'x # y' },
      { key: 'D', value: 'plain' },
    ]);
    expect(
      mergeEnv(
        [
          { key: 'A', value: 'old' },
          { key: 'Z', value: 'z' },
        ],
        rows,
      ).map((r) => `${r.key}=${r.value}`),
    ).toEqual(['A=1', 'Z=z', 'B=two words', 'C=x # y', 'D=plain']);
  });

  it('rebuilds the form of an existing container without the image defaults and system labels', () => {
    const form = formFromInspect(inspectFactory(), {
      Cmd: ['nginx', '-g', 'daemon off;'],
      Entrypoint: ['/docker-entrypoint.sh'],
      Env: ['PATH=/usr/bin'],
      Labels: {},
    });
    expect(form.name).toBe('web');
    expect(form.image).toBe('nginx:1.27');
    expect(form.command).toBe('');
    expect(form.entrypoint).toBe('');
    expect(form.env).toEqual([{ key: 'MODE', value: 'prod' }]);
    expect(form.labels).toEqual([{ key: 'team', value: 'web' }]);
    expect(form.ports).toEqual([{ host: '8080', container: '80', protocol: 'tcp' }]);
    expect(form.volumes).toEqual([
      { type: 'bind', source: '/srv/www', target: '/usr/share/nginx/html', readOnly: true },
      { type: 'volume', source: 'cache', target: '/var/cache/nginx', readOnly: false },
    ]);
    expect(form.restartPolicy).toBe('unless-stopped');
    expect(form.cpus).toBe('0.5');
    expect(form.memoryMb).toBe('256');
    expect(form.capAdd).toBe('NET_ADMIN');
    // And back: the same create body fields as the original.
    const body = toCreateRequest(form);
    expect(body.HostConfig.Binds).toEqual(inspectFactory().HostConfig.Binds);
    expect(body.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostPort: '8080' }] });
  });

  it('splits image references for a pull, registry ports included', () => {
    expect(imagePullQuery('nginx')).toEqual({ fromImage: 'nginx', tag: 'latest' });
    expect(imagePullQuery('127.0.0.1:55000/app:v2')).toEqual({ fromImage: '127.0.0.1:55000/app', tag: 'v2' });
    expect(imagePullQuery('127.0.0.1:55000/app')).toEqual({
      fromImage: '127.0.0.1:55000/app',
      tag: 'latest',
    });
    expect(imagePullQuery('busybox@sha256:abc')).toEqual({ fromImage: 'busybox@sha256:abc' });
  });
});
