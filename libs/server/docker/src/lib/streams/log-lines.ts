export type LogStream = 'stdout' | 'stderr';

/** One message of `/api/websocket/logs`. */
export interface LogLine {
  stream: LogStream;
  /** One line, without its line ending. */
  line: string;
}

/** No single message carries more than this; longer lines arrive in several pieces. */
export const MAX_LINE_BYTES = 64 * 1024;

const HEADER_BYTES = 8;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Turns the body of Docker's `GET /containers/{id}/logs` into lines. Without a TTY the engine multiplexes stdout
 * and stderr in frames (1 byte stream type, 3 zero bytes, 4 bytes big-endian length, payload); with a TTY the
 * body is the raw terminal output. Frames and lines may be split anywhere across chunks.
 */
export class LogDecoder {
  private readonly splitters: Record<LogStream, LineSplitter>;
  private raw: boolean;
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private remaining = 0;
  private current: LogStream = 'stdout';

  constructor(tty: boolean, maxLineBytes = MAX_LINE_BYTES) {
    this.raw = tty;
    this.splitters = {
      stdout: new LineSplitter('stdout', maxLineBytes),
      stderr: new LineSplitter('stderr', maxLineBytes),
    };
  }

  push(chunk: Buffer): LogLine[] {
    const out: LogLine[] = [];
    if (this.raw) {
      this.splitters.stdout.push(chunk, out);
      return out;
    }
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < HEADER_BYTES) break;
        this.headerFill = 0;
        const type = this.header[0] ?? 0;
        if (type > 3 || this.header[1] !== 0 || this.header[2] !== 0 || this.header[3] !== 0) {
          // Not a frame: the container has a TTY after all (or an engine that does not multiplex).
          // Everything from here on is raw output, starting with the bytes taken for a header.
          this.raw = true;
          this.splitters.stdout.push(Buffer.from(this.header), out);
          this.splitters.stdout.push(chunk.subarray(offset), out);
          return out;
        }
        // 0 stdin, 1 stdout, 2 stderr, 3 the engine's own errors (reported as stderr).
        this.current = type >= 2 ? 'stderr' : 'stdout';
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      this.splitters[this.current].push(chunk.subarray(offset, offset + take), out);
      this.remaining -= take;
      offset += take;
    }
    return out;
  }

  /** The stream ended: what is left without a final newline is a line too. */
  end(): LogLine[] {
    const out: LogLine[] = [];
    this.splitters.stdout.end(out);
    this.splitters.stderr.end(out);
    return out;
  }
}

/**
 * Bytes of one stream to lines: `\n` ends a line and a `\r` before it is dropped. A line longer than the cap is
 * sent in pieces cut on UTF-8 character boundaries, so a runaway writer cannot make the server buffer without end.
 */
class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly stream: LogStream,
    private readonly maxBytes: number,
  ) {}

  push(chunk: Buffer, out: LogLine[]): void {
    let start = 0;
    for (let nl = chunk.indexOf(LF, start); nl !== -1; nl = chunk.indexOf(LF, start)) {
      this.append(chunk.subarray(start, nl), out);
      this.emit(this.take(), out);
      start = nl + 1;
    }
    if (start < chunk.length) this.append(chunk.subarray(start), out);
  }

  end(out: LogLine[]): void {
    if (this.pendingBytes > 0) this.emit(this.take(), out);
  }

  private append(part: Buffer, out: LogLine[]): void {
    if (part.length === 0) return;
    this.pending.push(part);
    this.pendingBytes += part.length;
    // A trailing \r may still be the first half of \r\n: it does not count against the cap.
    while (this.pendingBytes - (this.endsWithCr() ? 1 : 0) > this.maxBytes) {
      const all = this.take();
      let cut = this.maxBytes;
      // Never split a multi-byte character: back up over continuation bytes (10xxxxxx).
      while (cut > 0 && ((all[cut] ?? 0) & 0xc0) === 0x80) cut--;
      if (cut === 0) cut = this.maxBytes;
      out.push({ stream: this.stream, line: all.subarray(0, cut).toString('utf8') });
      const rest = all.subarray(cut);
      this.pending = [rest];
      this.pendingBytes = rest.length;
    }
  }

  private endsWithCr(): boolean {
    const last = this.pending[this.pending.length - 1];
    return last !== undefined && last[last.length - 1] === CR;
  }

  private take(): Buffer {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return all;
  }

  private emit(bytes: Buffer, out: LogLine[]): void {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    out.push({ stream: this.stream, line: bytes.subarray(0, end).toString('utf8') });
  }
}

/** Newline-delimited JSON (the engine's stats and events streams) to values; blank lines are skipped. */
export class JsonLines {
  private readonly splitter: LineSplitter;
  private readonly lines: LogLine[] = [];

  constructor(maxBytes = 16 * 1024 * 1024) {
    this.splitter = new LineSplitter('stdout', maxBytes);
  }

  push(chunk: Buffer): unknown[] {
    this.splitter.push(chunk, this.lines);
    return this.drain();
  }

  end(): unknown[] {
    this.splitter.end(this.lines);
    return this.drain();
  }

  private drain(): unknown[] {
    const values = this.lines.filter((l) => l.line.trim() !== '').map((l) => JSON.parse(l.line) as unknown);
    this.lines.length = 0;
    return values;
  }
}
