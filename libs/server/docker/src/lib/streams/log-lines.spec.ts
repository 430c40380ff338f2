import { describe, expect, it } from 'vitest';
import { JsonLines, LogDecoder, MAX_LINE_BYTES, type LogLine } from './log-lines';

/** One frame of Docker's multiplexed stream: type (1 stdout, 2 stderr), 3 zero bytes, big-endian length. */
function frame(type: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Feeds the bytes in pieces of `size` and collects everything, including what `end()` flushes. */
function decode(bytes: Buffer, tty: boolean, size = bytes.length, max?: number): LogLine[] {
  const decoder = new LogDecoder(tty, max);
  const out: LogLine[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...decoder.push(bytes.subarray(i, i + size)));
  return [...out, ...decoder.end()];
}

describe('LogDecoder, multiplexed (no TTY)', () => {
  const stream = Buffer.concat([
    frame(1, 'first line\nsecond '),
    frame(2, 'oops: it failed\n'),
    frame(1, 'line\r\n'),
    frame(1, 'héllo wörld ✓\n'),
  ]);
  const expected: LogLine[] = [
    { stream: 'stdout', line: 'first line' },
    { stream: 'stderr', line: 'oops: it failed' },
    { stream: 'stdout', line: 'second line' },
    { stream: 'stdout', line: 'héllo wörld ✓' },
  ];

  it('tags stdout and stderr, joins a line split across frames, drops \\r\\n', () => {
    expect(decode(stream, false)).toEqual(expected);
  });

  it('gives the same lines whatever the chunking (headers and characters split across chunks)', () => {
    for (const size of [1, 2, 3, 5, 7, 8, 9, 13]) expect(decode(stream, false, size)).toEqual(expected);
  });

  it('flushes a last line without a newline at the end of the stream', () => {
    expect(decode(Buffer.concat([frame(1, 'a\nno newline'), frame(2, 'err tail')]), false)).toEqual([
      { stream: 'stdout', line: 'a' },
      { stream: 'stdout', line: 'no newline' },
      { stream: 'stderr', line: 'err tail' },
    ]);
  });

  it('keeps empty lines and zero-length frames do not break the stream', () => {
    const bytes = Buffer.concat([frame(1, ''), frame(1, '\n\nx\n')]);
    expect(decode(bytes, false, 3).map((l) => l.line)).toEqual(['', '', 'x']);
  });

  it('falls back to raw output when the bytes are not frames', () => {
    expect(decode(Buffer.from('plain text, not a frame\nnext\n'), false, 4)).toEqual([
      { stream: 'stdout', line: 'plain text, not a frame' },
      { stream: 'stdout', line: 'next' },
    ]);
  });
});

describe('LogDecoder, TTY', () => {
  it('reads raw terminal output as stdout lines, \\r\\n endings dropped', () => {
    // What looks like a frame header is plain text with a TTY.
    const raw = Buffer.concat([Buffer.from([1, 0, 0, 0]), Buffer.from('abc\r\nde'), Buffer.from('f\r\n')]);
    expect(decode(raw, true, 3)).toEqual([
      { stream: 'stdout', line: '\u0001\u0000\u0000\u0000abc' },
      { stream: 'stdout', line: 'def' },
    ]);
  });
});

describe('LogDecoder, long lines', () => {
  it('cuts a line longer than the cap into pieces of at most the cap, on character boundaries', () => {
    const long = 'é'.repeat(40_000); // 80,000 bytes
    const lines = decode(frame(1, `${long}\nafter\n`), false, 4096);
    expect(lines.length).toBe(3);
    for (const l of lines) expect(Buffer.byteLength(l.line)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(lines[0]?.line + (lines[1]?.line ?? '')).toBe(long);
    expect(lines[0]?.line).not.toContain('\ufffd');
    expect(lines[2]).toEqual({ stream: 'stdout', line: 'after' });
  });

  it('uses the cap given, and a \\r at the cut does not produce an empty extra line', () => {
    expect(decode(Buffer.from('abcdefghij\n'), true, 2, 4).map((l) => l.line)).toEqual([
      'abcd',
      'efgh',
      'ij',
    ]);
    expect(decode(Buffer.from('abcd\r\nx\n'), true, 1, 4).map((l) => l.line)).toEqual(['abcd', 'x']);
  });
});

describe('JsonLines', () => {
  it('parses newline-delimited JSON split across chunks and skips blank lines', () => {
    const parser = new JsonLines();
    const text = Buffer.from('{"a":1}\n\n{"b":"x\\ny"}\r\n{"c"');
    const values = [...parser.push(text.subarray(0, 5)), ...parser.push(text.subarray(5))];
    expect(values).toEqual([{ a: 1 }, { b: 'x\ny' }]);
    expect(parser.push(Buffer.from(':true}'))).toEqual([]);
    expect(parser.end()).toEqual([{ c: true }]);
  });
});
