import { describe, expect, it } from 'vitest';

import { AgentHttpError } from './http-util';
import { readMultipart } from './multipart';

const BOUNDARY = 'xYz--capstan';
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

function body(parts: { name: string; filename?: string; content: Buffer | string }[]): Buffer {
  const out: Buffer[] = [Buffer.from('preamble ignored\r\n')];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    out.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`),
      Buffer.from(p.content),
      Buffer.from('\r\n'),
    );
  }
  out.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(out);
}

async function* chunks(data: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < data.length; i += size) {
    // A real socket hands chunks over asynchronously.
    await Promise.resolve();
    yield data.subarray(i, i + size);
  }
}

async function parse(
  data: Buffer,
  size: number,
): Promise<{ fields: Record<string, string>; files: Record<string, Buffer> }> {
  const fields: Record<string, string> = {};
  const files: Record<string, Buffer> = {};
  await readMultipart(chunks(data, size), TYPE, {
    field: (name, value) => (fields[name] = value),
    file: (name, filename) => {
      const got: Buffer[] = [];
      return Promise.resolve({
        write: (c: Buffer) => {
          got.push(Buffer.from(c));
          return Promise.resolve();
        },
        end: () => {
          files[`${name}:${filename}`] = Buffer.concat(got);
          return Promise.resolve();
        },
      });
    },
  });
  return { fields, files };
}

describe('readMultipart', () => {
  // Binary content that contains CRLFs and a near-delimiter.
  const binary = Buffer.concat([
    Buffer.from(`a\r\n--${BOUNDARY.slice(0, 5)}\r\n`),
    Buffer.from([0, 255, 13, 10, 45, 45]),
  ]);

  it.each([1, 3, 7, 64, 100_000])('reads fields and files whatever the chunk size (%d)', async (size) => {
    const data = body([
      { name: 'Path', content: '/dir/sub' },
      { name: 'file', filename: 'a.bin', content: binary },
      { name: 'empty', content: '' },
    ]);
    const { fields, files } = await parse(data, size);
    expect(fields).toEqual({ Path: '/dir/sub', empty: '' });
    expect(files['file:a.bin']).toEqual(binary);
  });

  it('streams a large file in pieces without losing a byte', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');
    big[12345] = 13;
    const { files } = await parse(body([{ name: 'file', filename: 'big', content: big }]), 65_536);
    expect(files['file:big']?.equals(big)).toBe(true);
  });

  it('refuses a body that is not multipart, truncated, or with an oversized field', async () => {
    await expect(parse(Buffer.from('x'), 10).catch((e: unknown) => e)).resolves.toBeInstanceOf(
      AgentHttpError,
    );
    const truncated = body([{ name: 'Path', content: '/' }]).subarray(0, 40);
    await expect(parse(truncated, 10)).rejects.toThrow(AgentHttpError);
    const huge = body([{ name: 'Path', content: 'p'.repeat(70_000) }]);
    const err = (await parse(huge, 4096).catch((e: unknown) => e)) as AgentHttpError;
    expect(err.details).toMatch(/too large/);
    await expect(
      readMultipart(chunks(Buffer.alloc(0), 1), 'application/json', {
        field: () => undefined,
        file: () => Promise.resolve(null),
      }),
    ).rejects.toThrow(AgentHttpError);
  });
});
