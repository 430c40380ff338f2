import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { safeRelativePath, StackFiles } from './stack-files';
import { KeyedLock } from './stack-lock';

describe('stack files: every version kept, the project dir holds the active one', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));
  const files = () => {
    const root = mkdtempSync(join(tmpdir(), 'stack-files-'));
    roots.push(root);
    return new StackFiles(root);
  };

  it('writes versions, reads any, lists them and activates an old one', async () => {
    const f = files();
    await f.write(7, 1, [{ path: 'docker-compose.yml', content: 'one' }]);
    await f.write(7, 2, [{ path: 'docker-compose.yml', content: 'two' }]);
    expect(await f.versions(7)).toEqual([1, 2]);
    expect(readFileSync(join(f.projectPath(7), 'docker-compose.yml'), 'utf8')).toBe('two');
    expect(await f.read(7, 1)).toEqual([{ path: 'docker-compose.yml', content: 'one' }]);
    await f.activate(7, 1);
    expect(readFileSync(join(f.projectPath(7), 'docker-compose.yml'), 'utf8')).toBe('one');
    await f.dropVersion(7, 2);
    expect(await f.versions(7)).toEqual([1]);
    await f.remove(7);
    expect(await f.versions(7)).toEqual([]);
  });

  it('refuses paths that leave the project directory', async () => {
    for (const p of ['../x', '/etc/passwd', 'a/../../x', '', 'a\0b', '.versions/1/x'])
      expect(safeRelativePath(p), p).toBeUndefined();
    expect(safeRelativePath('sub/file.yml')).toBe('sub/file.yml');
    await expect(files().write(1, 1, [{ path: '../escape', content: 'x' }])).rejects.toThrow(/unsafe/);
  });
});

describe('keyed lock', () => {
  it('runs work of one key in order, even after a failure, and other keys alongside', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const slow =
      (tag: string, ms: number, fail = false) =>
      async () => {
        order.push(`${tag}>`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`<${tag}`);
        if (fail) throw new Error(tag);
        return tag;
      };
    const a = lock.run('k', slow('a', 30, true));
    const b = lock.run('k', slow('b', 1));
    const c = lock.run('other', slow('c', 1));
    await expect(a).rejects.toThrow('a');
    expect(await b).toBe('b');
    expect(await c).toBe('c');
    expect(order.indexOf('b>')).toBeGreaterThan(order.indexOf('<a'));
    expect(order.indexOf('c>')).toBeLessThan(order.indexOf('<a'));
  });
});
