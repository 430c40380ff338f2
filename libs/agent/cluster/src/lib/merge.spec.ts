import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { MAX_PART_BYTES, mergeFanOut, NodeResult, readNodePart } from './merge';

const ok = (nodeName: string, body: unknown): NodeResult => ({ nodeName, ok: true, body });

describe('mergeFanOut', () => {
  it('tags every item with its node and orders by node name, then the engine order, whatever the completion order', () => {
    const merged = mergeFanOut('containers', [
      ok('node3', [{ Id: 'c' }]),
      ok('node1', [{ Id: 'a2' }, { Id: 'a1' }]),
      ok('node2', []),
    ]);
    expect(merged.body).toEqual([
      { Id: 'a2', Portainer: { Agent: { NodeName: 'node1' } } },
      { Id: 'a1', Portainer: { Agent: { NodeName: 'node1' } } },
      { Id: 'c', Portainer: { Agent: { NodeName: 'node3' } } },
    ]);
    expect(merged.unreachable).toEqual([]);
  });

  it('overwrites an existing Portainer key (as the original)', () => {
    const merged = mergeFanOut('images', [ok('node1', [{ Id: 'i', Portainer: { ResourceControl: {} } }])]);
    expect(merged.body).toEqual([{ Id: 'i', Portainer: { Agent: { NodeName: 'node1' } } }]);
  });

  it('unwraps volumes, treats null as empty and answers {Volumes} without Warnings', () => {
    const merged = mergeFanOut('volumes', [
      ok('node2', { Volumes: null, Warnings: ['w'] }),
      ok('node1', { Volumes: [{ Name: 'v' }], Warnings: null }),
    ]);
    expect(merged.body).toEqual({ Volumes: [{ Name: 'v', Portainer: { Agent: { NodeName: 'node1' } } }] });
    expect(merged.unreachable).toEqual([]);
  });

  it('reports failed nodes (transport, engine error, bad shapes) sorted, and keeps the others', () => {
    const merged = mergeFanOut('networks', [
      { nodeName: 'node3', ok: false, error: 'connect EHOSTUNREACH' },
      ok('node1', [{ Id: 'n' }]),
      ok('node2', { message: 'engine down' }),
      ok('node4', { not: 'a list' }),
      ok('node5', [1, 2]),
    ]);
    expect(merged.body).toEqual([{ Id: 'n', Portainer: { Agent: { NodeName: 'node1' } } }]);
    expect(merged.unreachable).toEqual(['node2', 'node3', 'node4', 'node5']);
    expect(merged.errors['node2']).toContain('engine down');
    expect(merged.errors['node3']).toBe('connect EHOSTUNREACH');
  });
});

describe('readNodePart', () => {
  /** An answer stream (the IncomingMessage port) with a status; `results` collects every done() call. */
  function part(statusCode: number) {
    const res = Object.assign(new PassThrough(), { statusCode }) as unknown as IncomingMessage & PassThrough;
    const results: NodeResult[] = [];
    let aborts = 0;
    readNodePart(
      'node2',
      res,
      (r) => results.push(r),
      () => (aborts += 1),
    );
    return { res, results, aborts: () => aborts };
  }

  it('parses the JSON answer with its status, an error status included', () => {
    const a = part(200);
    a.res.end('[{"Id":"c1"}]');
    const b = part(400);
    b.res.end('{"message":"Invalid filter \'x\'"}');
    return new Promise<void>((done) =>
      setImmediate(() => {
        expect(a.results).toEqual([{ nodeName: 'node2', ok: true, status: 200, body: [{ Id: 'c1' }] }]);
        expect(b.results).toEqual([
          { nodeName: 'node2', ok: true, status: 400, body: { message: "Invalid filter 'x'" } },
        ]);
        done();
      }),
    );
  });

  it('fails a body that is not JSON, and a read error, once each', () => {
    const a = part(502);
    a.res.end('Bad Gateway');
    const b = part(200);
    b.res.destroy(new Error('socket hang up'));
    return new Promise<void>((done) =>
      setImmediate(() => {
        expect(a.results).toEqual([{ nodeName: 'node2', ok: false, error: 'status 502, body is not JSON' }]);
        expect(b.results).toEqual([{ nodeName: 'node2', ok: false, error: 'socket hang up' }]);
        done();
      }),
    );
  });

  it('gives up an answer over the limit: one failure, the request aborted', () => {
    const p = part(200);
    const chunk = Buffer.alloc(16 * 1024 * 1024, 0x20);
    for (let sent = 0; sent <= MAX_PART_BYTES; sent += chunk.length) p.res.write(chunk);
    p.res.end(']');
    return new Promise<void>((done) =>
      setImmediate(() => {
        expect(p.results).toEqual([{ nodeName: 'node2', ok: false, error: 'answer over 64 MB' }]);
        expect(p.aborts()).toBe(1);
        done();
      }),
    );
  });
});
