import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { BadGatewayError } from '@capstan/server-core';
import { pipeEngineStream, type Translator } from './stream-pipe';

/** The part of a `ws` WebSocket the pipe uses, recording what it is asked to do. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closed?: { code: number; reason: string };
  send(m: string) {
    this.sent.push(m);
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
    this.readyState = 2;
  }
  pings = 0;
  ping() {
    this.pings++;
  }
  terminate() {
    this.readyState = 3;
  }
}

/** An engine response: a stream with the `complete` flag IncomingMessage sets once the body has arrived. */
function engineResponse(): PassThrough & { complete: boolean; headers: Record<string, string> } {
  return Object.assign(new PassThrough(), { complete: false, headers: {} });
}

function setup(translator: Translator = () => (chunk) => (chunk ? chunk.toString().split(',') : ['<end>'])) {
  const ws = new FakeSocket();
  const res = engineResponse();
  const request = { destroyed: false, destroy: () => ((request.destroyed = true), request) };
  const failures: unknown[] = [];
  pipeEngineStream(
    ws as unknown as WebSocket,
    { request: request as never, response: Promise.resolve(res as unknown as IncomingMessage) },
    translator,
    { highWaterBytes: 10, onFailure: (e) => failures.push(e) },
  );
  return { ws, res, request, failures };
}

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('pipeEngineStream', () => {
  it('sends the translated messages in order and closes with 1000 when the engine stream ends', async () => {
    const { ws, res, request } = setup();
    await tick(0);
    res.write('a,b');
    res.write('c');
    res.complete = true;
    res.end();
    await tick();
    expect(ws.sent).toEqual(['a', 'b', 'c', '<end>']);
    expect(ws.closed).toEqual({ code: 1000, reason: 'End of stream' });
    expect(request.destroyed).toBe(true);
  });

  it('closes with 1011 and a reason when the engine fails mid-stream', async () => {
    const { ws, res } = setup();
    await tick(0);
    res.write('a');
    await tick();
    res.destroy(new Error('connection reset'));
    await tick();
    expect(ws.sent).toEqual(['a']);
    expect(ws.closed).toEqual({ code: 1011, reason: 'The engine stream failed: connection reset' });
  });

  it('closes with 1011 when the engine refused the stream, the reason cut to what WebSockets allow', async () => {
    const ws = new FakeSocket();
    pipeEngineStream(
      ws as unknown as WebSocket,
      {
        request: { destroy: () => undefined as never },
        response: Promise.reject(new BadGatewayError('The engine answered 500', 'ü'.repeat(200))),
      },
      () => () => [],
    );
    await tick();
    expect(ws.closed?.code).toBe(1011);
    expect(ws.closed?.reason.startsWith('The engine answered 500: üü')).toBe(true);
    expect(Buffer.byteLength(ws.closed?.reason ?? '')).toBeLessThanOrEqual(123);
    expect(ws.closed?.reason).not.toContain('\ufffd');
  });

  it('closes with 1011 when the engine output cannot be translated', async () => {
    const { ws, res, failures } = setup(() => () => {
      throw new Error('not JSON');
    });
    await tick(0);
    res.write('x');
    await tick();
    expect(ws.closed).toEqual({ code: 1011, reason: 'Stream failed: not JSON' });
    expect(failures).toHaveLength(1);
  });

  it('destroys the engine request when the client goes away', async () => {
    const { ws, res, request } = setup();
    await tick(0);
    res.write('a');
    ws.readyState = 3;
    ws.emit('close', 1001, Buffer.from(''));
    expect(request.destroyed).toBe(true);
    expect(ws.closed).toBeUndefined();
  });

  it('pauses the engine while the client is behind and resumes below half the high-water mark', async () => {
    const { ws, res } = setup();
    await tick(0);
    ws.bufferedAmount = 100;
    res.write('a');
    await tick();
    expect(res.isPaused()).toBe(true);
    res.write('b'); // buffered in the engine stream, not sent
    await tick();
    expect(ws.sent).toEqual(['a']);
    ws.bufferedAmount = 6; // below the mark, not below half of it
    await tick(60);
    expect(res.isPaused()).toBe(true);
    ws.bufferedAmount = 0;
    await tick(60);
    expect(res.isPaused()).toBe(false);
    expect(ws.sent).toEqual(['a', 'b']);
    ws.emit('close');
  });
});
