import { describe, expect, it } from 'vitest';
import { goJson, snapshotHash } from './edge-async';
import { JsonPatchError, applyJsonPatch, diffJson } from './json-patch';

const base = {
  Time: 1,
  DockerSnapshotRaw: {
    Containers: [
      { Id: 'a', Names: ['/web'], State: 'running', Labels: { 'x/y': '1', 'a~b': '2' } },
      { Id: 'b', Names: ['/db'], State: 'exited', Labels: {} },
    ],
    Images: [{ Id: 'sha256:1' }],
  },
};

describe('JSON patch (RFC 6902) of async snapshots', () => {
  it('diff then apply gives the target, for changed, added, removed keys and array items', () => {
    const target = structuredClone(base) as Record<string, any>;
    target['Time'] = 2;
    target['DockerSnapshotRaw'].Containers[0].State = 'exited';
    target['DockerSnapshotRaw'].Containers[0].Labels['x/y'] = '3';
    delete target['DockerSnapshotRaw'].Containers[0].Labels['a~b'];
    target['DockerSnapshotRaw'].Containers.push({ Id: 'c', Names: ['/new'], State: 'created', Labels: null });
    target['DockerSnapshotRaw'].Images = [];
    target['Extra'] = { Nested: [1, 2] };
    const ops = diffJson(base, target);
    expect(ops.length).toBeGreaterThan(0);
    expect(ops).toContainEqual({ op: 'replace', path: '/DockerSnapshotRaw/Containers/0/Labels/x~1y', value: '3' });
    expect(applyJsonPatch(base, ops)).toEqual(target);
    // the original is untouched
    expect(base.Time).toBe(1);
  });

  it('shrinking arrays removes from the end, so the operations apply in order', () => {
    const from = { L: [1, 2, 3, 4] };
    const to = { L: [9] };
    expect(applyJsonPatch(from, diffJson(from, to))).toEqual(to);
  });

  it('no change, no operation', () => {
    expect(diffJson(base, structuredClone(base))).toEqual([]);
  });

  it('refuses paths that do not exist, failed tests and prototype keys', () => {
    expect(() => applyJsonPatch(base, [{ op: 'replace', path: '/Nope/x', value: 1 }])).toThrow(JsonPatchError);
    expect(() => applyJsonPatch(base, [{ op: 'remove', path: '/DockerSnapshotRaw/Containers/7' }])).toThrow(
      JsonPatchError,
    );
    expect(() => applyJsonPatch(base, [{ op: 'test', path: '/Time', value: 2 }])).toThrow(JsonPatchError);
    expect(() => applyJsonPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: true }])).toThrow(
      JsonPatchError,
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('move, copy and test as RFC 6902 says', () => {
    const doc = { a: { b: 1 }, l: [1, 2] };
    expect(
      applyJsonPatch(doc, [
        { op: 'test', path: '/a/b', value: 1 },
        { op: 'copy', from: '/a', path: '/c' },
        { op: 'move', from: '/l/0', path: '/l/-' },
      ]),
    ).toEqual({ a: { b: 1 }, c: { b: 1 }, l: [2, 1] });
  });
});

describe('snapshot hash (Go encoding/json bytes, FNV-1a-32)', () => {
  it('escapes <, > and & as Go does', () => {
    expect(goJson({ a: '<b>&' })).toBe('{"a":"\\u003cb\\u003e\\u0026"}');
  });

  it('is the FNV-1a-32 of those bytes, as an unsigned integer', () => {
    // computed here independently: offset basis 0x811c9dc5, prime 0x01000193
    let h = 0x811c9dc5;
    for (const b of Buffer.from('{"a":1}')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    expect(snapshotHash({ a: 1 })).toBe(h);
    expect(snapshotHash({ a: 1 })).not.toBe(snapshotHash({ a: 2 }));
  });
});
