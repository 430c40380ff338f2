import { AgentHttpError } from './http-util';

/** Where the bytes of a file part go; `null` from `file()` discards the part. */
export interface PartSink {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
}

export interface MultipartHandlers {
  field(name: string, value: string): void;
  file(name: string, filename: string): Promise<PartSink | null>;
}

const MAX_FIELD_BYTES = 64 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * A streaming multipart/form-data reader: file parts are handed to their sink chunk by chunk as they arrive
 * (with backpressure, each write is awaited), so an upload is never held in memory. Text fields are limited to
 * 64 KiB.
 */
export async function readMultipart(
  body: AsyncIterable<Buffer>,
  contentType: string,
  handlers: MultipartHandlers,
): Promise<void> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!/^multipart\/form-data/i.test(contentType) || !boundary) {
    throw new AgentHttpError('invalidPayload', 'Expected a multipart/form-data body');
  }
  const dashBoundary = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);

  let buf: Buffer = Buffer.alloc(0);
  // Cast: the state changes inside drain(), which the compiler's narrowing does not see.
  let state = 'preamble' as 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done';
  let part: { name: string; sink: PartSink | null; text: Buffer[] | null; size: number } | null = null;

  const emit = async (data: Buffer): Promise<void> => {
    if (!part || data.length === 0) return;
    if (part.text) {
      part.size += data.length;
      if (part.size > MAX_FIELD_BYTES)
        throw new AgentHttpError('invalidPayload', `Field ${part.name} is too large`);
      part.text.push(Buffer.from(data));
    } else if (part.sink) {
      await part.sink.write(data);
    }
  };

  const finish = async (): Promise<void> => {
    if (!part) return;
    if (part.text) handlers.field(part.name, Buffer.concat(part.text).toString('utf8'));
    else if (part.sink) await part.sink.end();
    part = null;
  };

  const drain = async (): Promise<void> => {
    for (;;) {
      switch (state) {
        case 'preamble': {
          const i = buf.indexOf(dashBoundary);
          if (i < 0) {
            buf = buf.subarray(Math.max(0, buf.length - dashBoundary.length));
            return;
          }
          buf = buf.subarray(i + dashBoundary.length);
          state = 'afterBoundary';
          break;
        }
        case 'afterBoundary': {
          if (buf.length < 2) return;
          const next = buf.subarray(0, 2).toString('latin1');
          if (next === '--') {
            state = 'done';
            return;
          }
          if (next !== '\r\n') throw new AgentHttpError('invalidPayload', 'Malformed multipart body');
          buf = buf.subarray(2);
          state = 'headers';
          break;
        }
        case 'headers': {
          const i = buf.indexOf('\r\n\r\n');
          if (i < 0) {
            if (buf.length > MAX_HEADER_BYTES)
              throw new AgentHttpError('invalidPayload', 'Malformed multipart body');
            return;
          }
          const headers = buf.subarray(0, i).toString('utf8');
          buf = buf.subarray(i + 4);
          const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
          const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? '';
          const filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(disposition)?.[1];
          part =
            filename === undefined
              ? { name, sink: null, text: [], size: 0 }
              : { name, sink: await handlers.file(name, filename), text: null, size: 0 };
          state = 'body';
          break;
        }
        case 'body': {
          const i = buf.indexOf(delimiter);
          if (i < 0) {
            // Keep what could be the start of a delimiter split across chunks.
            const keep = delimiter.length - 1;
            if (buf.length > keep) {
              await emit(buf.subarray(0, buf.length - keep));
              buf = buf.subarray(buf.length - keep);
            }
            return;
          }
          await emit(buf.subarray(0, i));
          await finish();
          buf = buf.subarray(i + delimiter.length);
          state = 'afterBoundary';
          break;
        }
        case 'done':
          return;
      }
    }
  };

  for await (const chunk of body) {
    buf = buf.length > 0 ? Buffer.concat([buf, chunk]) : chunk;
    await drain();
    if (state === 'done') break;
  }
  if (state !== 'done') throw new AgentHttpError('invalidPayload', 'Truncated multipart body');
}
