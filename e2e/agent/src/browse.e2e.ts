import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { engineCall, errorOf, RunningAgent, ServerKey, startAgent } from './support/agent';

const VOLUME = `capstan-agent-e2e-${process.pid}`;

function multipart(
  fields: Record<string, string>,
  file?: { name: string; content: string },
): {
  headers: Record<string, string>;
  body: Buffer;
} {
  const boundary = `----capstan${Date.now()}`;
  const parts: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  }
  if (file) {
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n${file.content}\r\n`,
    );
  }
  parts.push(`--${boundary}--\r\n`);
  return {
    headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.from(parts.join('')),
  };
}

describe('agent: volume browser', () => {
  let agent: RunningAgent;
  let data: string;
  const server = new ServerKey();
  const q = (path: string, volume = VOLUME): string =>
    `volumeID=${encodeURIComponent(volume)}&path=${encodeURIComponent(path)}`;
  const signed = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...server.headers(),
    ...extra,
  });

  beforeAll(async () => {
    const created = await engineCall('POST', '/volumes/create', { Name: VOLUME });
    data = (created.json as { Mountpoint: string }).Mountpoint;
    mkdirSync(join(data, 'dir'));
    writeFileSync(join(data, 'hello.txt'), 'hello world');
    writeFileSync(join(data, 'dir', 'inner.txt'), 'inner');
    symlinkSync('/etc', join(data, 'etc-link'));
    symlinkSync('/etc/hostname', join(data, 'hostname-link'));
    symlinkSync('dir/inner.txt', join(data, 'inner-link'));
    agent = await startAgent();
  });
  afterAll(async () => {
    await agent.stop();
    await engineCall('DELETE', `/volumes/${VOLUME}?force=1`);
  });

  it('lists a directory of the volume (v2 and unversioned)', async () => {
    for (const prefix of ['', '/v2']) {
      const reply = await agent.call('GET', `${prefix}/browse/ls?${q('/')}`, { headers: signed() });
      expect(reply.status).toBe(200);
      const entries = reply.json() as { Name: string; Size: number; Dir: boolean; ModTime: number }[];
      expect(entries.map((e) => e.Name)).toEqual([
        'dir',
        'etc-link',
        'hello.txt',
        'hostname-link',
        'inner-link',
      ]);
      const hello = entries.find((e) => e.Name === 'hello.txt');
      expect(hello).toMatchObject({ Size: 11, Dir: false });
      expect(Math.abs((hello?.ModTime ?? 0) - Date.now() / 1000)).toBeLessThan(600);
      expect(entries.find((e) => e.Name === 'dir')?.Dir).toBe(true);
    }
  });

  it('lists with the v1 form /v1/browse/{volumeID}/ls (path optional)', async () => {
    const reply = await agent.call('GET', `/v1/browse/${VOLUME}/ls`, { headers: signed() });
    expect(reply.status).toBe(200);
    expect((reply.json() as { Name: string }[]).map((e) => e.Name)).toContain('hello.txt');
  });

  it('downloads a file, with a byte range', async () => {
    const whole = await agent.call('GET', `/browse/get?${q('hello.txt')}`, { headers: signed() });
    expect(whole.status).toBe(200);
    expect(whole.text).toBe('hello world');
    expect(whole.headers['last-modified']).toBeTruthy();
    expect(whole.headers['content-type']).toBe('text/plain; charset=utf-8');
    const part = await agent.call('GET', `/browse/get?${q('/hello.txt')}`, {
      headers: signed({ Range: 'bytes=6-' }),
    });
    expect(part.status).toBe(206);
    expect(part.text).toBe('world');
  });

  it('follows a symlink that stays inside the volume', async () => {
    const reply = await agent.call('GET', `/browse/get?${q('inner-link')}`, { headers: signed() });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('inner');
  });

  it.each([
    ['..', '../../../../etc/passwd'],
    ['.. in the middle', 'dir/../../x'],
    ['backslash ..', 'dir\\..\\..\\x'],
  ])('refuses a path with %s segments (400)', async (_what, path) => {
    const reply = await agent.call('GET', `/browse/get?${q(path)}`, { headers: signed() });
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual(errorOf('dotDotPath'));
  });

  it('refuses a percent-encoded .. (%2e%2e)', async () => {
    const reply = await agent.call('GET', `/browse/ls?volumeID=${VOLUME}&path=%2e%2e%2f%2e%2e%2fetc`, {
      headers: signed(),
    });
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual(errorOf('dotDotPath'));
  });

  it('takes an absolute path relative to the volume, never the host', async () => {
    const reply = await agent.call('GET', `/browse/get?${q('/etc/passwd')}`, { headers: signed() });
    expect(reply.status).toBe(404);
    expect(reply.text).not.toContain('root:');
  });

  it('refuses symlinks that resolve outside the volume (403)', async () => {
    for (const path of ['etc-link', 'etc-link/passwd', 'hostname-link']) {
      const op = path === 'etc-link' ? 'ls' : 'get';
      const reply = await agent.call('GET', `/browse/${op}?${q(path)}`, { headers: signed() });
      expect(reply.status, path).toBe(403);
      expect(reply.json()).toEqual(errorOf('outsideVolume'));
    }
    // Uploading through the link would write into /etc.
    const form = multipart({ Path: '/etc-link' }, { name: 'capstan-agent-e2e', content: 'x' });
    const up = await agent.call('POST', `/browse/put?volumeID=${VOLUME}`, {
      headers: signed(form.headers),
      body: form.body,
    });
    expect(up.status).toBe(403);
    expect(existsSync('/etc/capstan-agent-e2e')).toBe(false);
  });

  it.each(['../x', 'a/b', '.hidden', 'with space', ''])('refuses the volume id "%s"', async (volume) => {
    const reply = await agent.call('GET', `/browse/ls?${q('/', volume)}`, { headers: signed() });
    if (volume === '') {
      // No volume id means host browsing, which needs the administrator header.
      expect(reply.status).toBe(403);
      expect(reply.json()).toEqual(errorOf('hostBrowseDenied'));
    } else {
      expect(reply.status).toBe(400);
      expect(reply.json()).toEqual(errorOf('invalidVolumeId'));
    }
  });

  it('answers 404 for a volume that does not exist', async () => {
    const reply = await agent.call('GET', `/browse/ls?${q('/', 'capstan-agent-no-such-volume')}`, {
      headers: signed(),
    });
    expect(reply.status).toBe(404);
    expect((reply.json() as { message: string }).message).toBe(errorOf('volumeNotFound').message);
  });

  it('answers 400 for ls on a file and get on a directory', async () => {
    const ls = await agent.call('GET', `/browse/ls?${q('hello.txt')}`, { headers: signed() });
    expect(ls.status).toBe(400);
    expect(ls.json()).toEqual(errorOf('notADirectory'));
    const get = await agent.call('GET', `/browse/get?${q('dir')}`, { headers: signed() });
    expect(get.status).toBe(400);
    expect(get.json()).toEqual(errorOf('notAFile'));
  });

  it('requires the path parameter', async () => {
    const reply = await agent.call('GET', `/browse/ls?volumeID=${VOLUME}`, { headers: signed() });
    expect(reply.status).toBe(400);
    expect(reply.json()).toEqual(errorOf('missingPath'));
  });

  it('browses the host only with the administrator header', async () => {
    const denied = await agent.call('GET', `/browse/ls?path=${encodeURIComponent('/etc')}`, {
      headers: signed(),
    });
    expect(denied.status).toBe(403);
    expect(denied.json()).toEqual(errorOf('hostBrowseDenied'));
    const allowed = await agent.call('GET', `/browse/ls?path=${encodeURIComponent('/etc')}`, {
      headers: signed({ 'X-Capstan-Agent-Browse-Host': '1' }),
    });
    expect(allowed.status).toBe(200);
    expect((allowed.json() as { Name: string }[]).map((e) => e.Name)).toContain('hostname');
  });

  it('uploads into a new directory, truncating an existing longer file, keeping only the basename', async () => {
    const long = multipart(
      { Path: '/up/nested' },
      { name: 'notes.txt', content: 'a much longer first version' },
    );
    const first = await agent.call('POST', `/browse/put?volumeID=${VOLUME}`, {
      headers: signed(long.headers),
      body: long.body,
    });
    expect(first.status).toBe(204);
    const short = multipart({ Path: '/up/nested' }, { name: '../../notes.txt', content: 'short' });
    const second = await agent.call('POST', `/browse/put?volumeID=${VOLUME}`, {
      headers: signed(short.headers),
      body: short.body,
    });
    expect(second.status).toBe(204);
    expect(readFileSync(join(data, 'up/nested/notes.txt'), 'utf8')).toBe('short');
    expect(existsSync(join(data, 'notes.txt'))).toBe(false);
  });

  it('streams a large upload, also when the file part comes before the Path field', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 'z');
    big.write('head', 0);
    big.write('tail', big.length - 4);
    const boundary = 'capstanFileFirst';
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      big,
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="Path"\r\n\r\n/big\r\n--${boundary}--\r\n`,
      ),
    ]);
    const reply = await agent.call('POST', `/v2/browse/put?volumeID=${VOLUME}`, {
      headers: signed({ 'Content-Type': `multipart/form-data; boundary=${boundary}` }),
      body: payload,
    });
    expect(reply.status).toBe(204);
    expect(readFileSync(join(data, 'big/big.bin')).equals(big)).toBe(true);
  });

  it('answers 409 when a rename or an upload collides with what is there', async () => {
    mkdirSync(join(data, 'full'));
    writeFileSync(join(data, 'full', 'x'), 'x');
    writeFileSync(join(data, 'collide.txt'), 'c');
    const rename = await agent.call('PUT', `/browse/rename?volumeID=${VOLUME}`, {
      headers: signed({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ CurrentFilePath: '/collide.txt', NewFilePath: '/full' }),
    });
    expect(rename.status).toBe(409);
    expect((rename.json() as { message: string }).message).toBe(errorOf('pathConflict').message);
    // Path names a file: the upload directory cannot be made.
    const form = multipart({ Path: '/collide.txt' }, { name: 'y', content: 'y' });
    const upload = await agent.call('POST', `/browse/put?volumeID=${VOLUME}`, {
      headers: signed(form.headers),
      body: form.body,
    });
    expect(upload.status).toBe(409);
    // The file name is a directory.
    const onDir = multipart({ Path: '/' }, { name: 'full', content: 'y' });
    const dirUpload = await agent.call('POST', `/browse/put?volumeID=${VOLUME}`, {
      headers: signed(onDir.headers),
      body: onDir.body,
    });
    expect(dirUpload.status).toBe(409);
    expect(readFileSync(join(data, 'collide.txt'), 'utf8')).toBe('c');
  });

  it('refuses an upload without a file, or with .. in its Path', async () => {
    const noFile = multipart({ Path: '/' });
    const a = await agent.call('POST', `/browse/put?volumeID=${VOLUME}`, {
      headers: signed(noFile.headers),
      body: noFile.body,
    });
    expect(a.status).toBe(400);
    expect((a.json() as { message: string }).message).toBe(errorOf('invalidPayload').message);
    const dotdot = multipart({ Path: '../..' }, { name: 'x', content: 'x' });
    const b = await agent.call('POST', `/browse/put?volumeID=${VOLUME}`, {
      headers: signed(dotdot.headers),
      body: dotdot.body,
    });
    expect(b.status).toBe(400);
    expect(b.json()).toEqual(errorOf('dotDotPath'));
  });

  it('renames (keys in any case) and deletes inside the volume', async () => {
    writeFileSync(join(data, 'rename-me.txt'), 'r');
    const renamed = await agent.call('PUT', `/browse/rename?volumeID=${VOLUME}`, {
      headers: signed({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ currentFilePath: '/rename-me.txt', NEWFILEPATH: '/dir/renamed.txt' }),
    });
    expect(renamed.status).toBe(204);
    expect(readFileSync(join(data, 'dir/renamed.txt'), 'utf8')).toBe('r');

    const escape = await agent.call('PUT', `/browse/rename?volumeID=${VOLUME}`, {
      headers: signed({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({
        CurrentFilePath: '/dir/renamed.txt',
        NewFilePath: '/etc-link/capstan-agent-e2e',
      }),
    });
    expect(escape.status).toBe(403);

    const deleted = await agent.call('DELETE', `/browse/delete?${q('/dir/renamed.txt')}`, {
      headers: signed(),
    });
    expect(deleted.status).toBe(204);
    expect(existsSync(join(data, 'dir/renamed.txt'))).toBe(false);

    // A link to the outside is removed as a link; its target is untouched.
    const link = await agent.call('DELETE', `/browse/delete?${q('hostname-link')}`, { headers: signed() });
    expect(link.status).toBe(204);
    expect(existsSync('/etc/hostname')).toBe(true);

    const nonEmpty = await agent.call('DELETE', `/browse/delete?${q('dir')}`, { headers: signed() });
    expect(nonEmpty.status).toBe(400);
    expect(nonEmpty.json()).toEqual(errorOf('directoryNotEmpty'));
    const missing = await agent.call('DELETE', `/browse/delete?${q('nope.txt')}`, { headers: signed() });
    expect(missing.status).toBe(404);
  });

  it('needs a signature', async () => {
    const reply = await agent.call('GET', `/browse/ls?${q('/')}`);
    expect(reply.status).toBe(403);
    expect(reply.json()).toEqual(errorOf('missingSignature'));
  });
});
