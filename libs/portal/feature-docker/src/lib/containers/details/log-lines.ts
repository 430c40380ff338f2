/** One log line, as `/api/websocket/logs` sends it. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  line: string;
}

/**
 * Decodes Docker's log stream when read over plain HTTP (the fallback when the logs WebSocket is missing):
 * multiplexed frames (8-byte header: stream type, 3 zero bytes, big-endian length) unless the container has a
 * TTY (raw text). Keeps partial frames and partial lines across chunks.
 */
export class LogFrameDecoder {
  private pending = new Uint8Array(0);
  private readonly partial: Record<LogLine['stream'], string> = { stdout: '', stderr: '' };
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

  constructor(private readonly tty: boolean) {}

  push(chunk: Uint8Array): LogLine[] {
    if (this.tty) return this.text('stdout', chunk);
    const data = concat(this.pending, chunk);
    const out: LogLine[] = [];
    let offset = 0;
    while (data.length - offset >= 8) {
      const type = data[offset];
      const size =
        ((data[offset + 4] << 24) >>> 0) +
        (data[offset + 5] << 16) +
        (data[offset + 6] << 8) +
        data[offset + 7];
      if (data.length - offset - 8 < size) break;
      const payload = data.subarray(offset + 8, offset + 8 + size);
      out.push(...this.text(type === 2 ? 'stderr' : 'stdout', payload));
      offset += 8 + size;
    }
    this.pending = data.slice(offset);
    return out;
  }

  /** The last lines without a trailing newline. */
  end(): LogLine[] {
    const out: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].decode();
      if (rest) out.push({ stream, line: rest.replace(/\r$/, '') });
      this.partial[stream] = '';
    }
    return out;
  }

  private text(stream: LogLine['stream'], bytes: Uint8Array): LogLine[] {
    const text = this.partial[stream] + this.decoders[stream].decode(bytes, { stream: true });
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    return parts.map((line) => ({ stream, line: line.replace(/\r$/, '') }));
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** `2026-11-23T02:15:32.123456789Z text` → `{time, text}` (Docker's `timestamps=1` prefix). */
export function splitTimestamp(line: string): { time: string | null; text: string } {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?(.*)$/s.exec(line);
  return m ? { time: m[1], text: m[2] } : { time: null, text: line };
}

export interface Segment {
  text: string;
  match: boolean;
}

/** Splits a line around case-insensitive matches of `query`, for highlighting. */
export function highlight(text: string, query: string): Segment[] {
  if (!query) return [{ text, match: false }];
  const out: Segment[] = [];
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  let from = 0;
  for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, i + q.length)) {
    if (i > from) out.push({ text: text.slice(from, i), match: false });
    out.push({ text: text.slice(i, i + q.length), match: true });
    from = i + q.length;
  }
  if (from < text.length) out.push({ text: text.slice(from), match: false });
  return out.length ? out : [{ text, match: false }];
}

/** ANSI colour/cursor escapes (from TTY programs) removed for display and search. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}
