import type { ClientRequest, IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { mapError } from '@capstan/server-core';

/** Turns engine bytes into WebSocket messages; `null` is the end of the engine's stream. */
export type Translate = (chunk: Buffer | null) => string[] | Promise<string[]>;
/** Chooses the translation once the engine's response headers are known. */
export type Translator = (res: IncomingMessage) => Translate;

export interface PipeOptions {
  /** Stop reading the engine while the browser is this far behind; resume below half of it. */
  highWaterBytes?: number;
  /** Ping interval; a client that did not answer the previous ping is dropped. */
  heartbeatMs?: number;
  /** Called when translating fails (bad engine output); the stream is then closed with 1011. */
  onFailure?: (e: unknown) => void;
}

/** WebSocket close reasons are limited to 123 bytes. */
const MAX_REASON_BYTES = 120;

/**
 * Pipes an engine stream into an open WebSocket as text messages. Closes with 1000 when the engine's stream
 * ends, with 1011 and a reason when the engine fails or cannot be read; destroys the engine request when the
 * client goes away. The engine is paused while a chunk is translated (a filter may look things up) and while
 * the client is behind, so memory stays bounded whatever the engine sends.
 */
export function pipeEngineStream(
  ws: WebSocket,
  engine: { request: Pick<ClientRequest, 'destroy'>; response: Promise<IncomingMessage> },
  translator: Translator,
  options: PipeOptions = {},
): void {
  const highWater = options.highWaterBytes ?? 1024 * 1024;
  let done = false;
  let alive = true;
  const heartbeat = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, options.heartbeatMs ?? 30_000);
  const finish = (code: number, reason: string) => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    engine.request.destroy();
    if (ws.readyState === ws.OPEN) ws.close(code, truncateReason(reason));
  };
  ws.on('pong', () => (alive = true));
  ws.on('close', () => finish(1000, ''));
  ws.on('error', () => finish(1011, ''));

  engine.response.then(
    (res) => {
      if (done) {
        res.destroy();
        return;
      }
      const translate = translator(res);
      let chain = Promise.resolve();
      const handle = (chunk: Buffer | null) => {
        res.pause();
        chain = chain
          .then(async () => {
            const messages = await translate(chunk);
            for (const m of messages) if (ws.readyState === ws.OPEN) ws.send(m);
            if (chunk === null) finish(1000, 'End of stream');
            else resumeWhenDrained(ws, res, highWater);
          })
          .catch((e: unknown) => {
            options.onFailure?.(e);
            finish(1011, `Stream failed: ${e instanceof Error ? e.message : String(e)}`);
          });
      };
      res.on('data', handle);
      res.on('end', () => handle(null));
      res.on('error', (e) => finish(1011, `The engine stream failed: ${e.message}`));
      res.on('close', () => {
        if (!res.complete) finish(1011, 'The engine closed the stream');
      });
    },
    (e: unknown) => {
      const mapped = mapError(e);
      finish(1011, `${mapped.body.message}: ${mapped.body.details}`);
    },
  );
}

function resumeWhenDrained(ws: WebSocket, res: IncomingMessage, highWater: number): void {
  if (ws.bufferedAmount < highWater) {
    res.resume();
    return;
  }
  const timer = setInterval(() => {
    if (ws.readyState !== ws.OPEN) {
      clearInterval(timer);
    } else if (ws.bufferedAmount < highWater / 2) {
      clearInterval(timer);
      res.resume();
    }
  }, 20);
}

function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= MAX_REASON_BYTES) return reason;
  let cut = MAX_REASON_BYTES;
  // Never cut a multi-byte character: back up over continuation bytes (10xxxxxx).
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8');
}
