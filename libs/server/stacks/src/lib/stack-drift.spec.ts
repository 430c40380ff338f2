import { describe, expect, it } from 'vitest';
import { composeDrift, normaliseImage, swarmDrift, type RunningUnit } from './stack-drift';

const unit = (over: Partial<RunningUnit>): RunningUnit => ({
  name: 'p-web-1',
  service: 'web',
  image: 'nginx:1.27',
  running: true,
  ports: ['8080:80/tcp'],
  env: ['MODE=blue', 'PATH=/bin'],
  ...over,
});
const model = {
  web: {
    image: 'nginx:1.27',
    environment: { MODE: 'blue', EMPTY: null },
    ports: [{ target: 80, published: '8080', protocol: 'tcp' }],
    deploy: { replicas: 2 },
  },
};

describe('drift', () => {
  it('normalises image references as Docker resolves them', () => {
    expect(normaliseImage('nginx')).toBe('docker.io/library/nginx:latest');
    expect(normaliseImage('library/nginx:1')).toBe('docker.io/library/nginx:1');
    expect(normaliseImage('127.0.0.1:5000/a/b@sha256:abcd')).toBe('127.0.0.1:5000/a/b:latest');
    expect(normaliseImage('docker.io/library/nginx:1.27')).toBe(normaliseImage('nginx:1.27'));
  });

  it('is in sync when the containers match the file', () => {
    expect(composeDrift(model, [unit({}), unit({ name: 'p-web-2' })])).toEqual([]);
  });

  it('reports a stopped replica, a changed image, ports and env, a missing service and an extra one', () => {
    const d = composeDrift({ ...model, db: { image: 'postgres' } }, [
      unit({ running: false }),
      unit({ name: 'p-web-2', image: 'nginx:1.26', ports: [], env: ['MODE=green'] }),
      unit({ name: 'p-old-1', service: 'old' }),
    ]);
    expect(d.map((x) => `${x.Service}:${x.Field}`)).toEqual([
      'db:missing',
      'web:replicas',
      'web:image',
      'web:ports',
      'web:env',
      'old:extra',
    ]);
    expect(d.find((x) => x.Field === 'replicas')?.Actual).toBe('1 running of 2');
    // Values are not shown, only the variable's name.
    expect(JSON.stringify(d)).not.toContain('green');
  });

  it('compares Swarm services by spec and running tasks', () => {
    const svc = unit({ name: 's_web', service: 's_web', replicas: { desired: 2, running: 2 } });
    expect(swarmDrift('s', model, [svc])).toEqual([]);
    const scaled = swarmDrift('s', model, [{ ...svc, replicas: { desired: 3, running: 3 } }]);
    expect(scaled).toEqual([expect.objectContaining({ Field: 'replicas', Actual: '3 running, 3 desired' })]);
    expect(swarmDrift('s', model, [])).toEqual([expect.objectContaining({ Field: 'missing' })]);
  });
});
