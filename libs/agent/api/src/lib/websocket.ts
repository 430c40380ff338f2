import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';

import { WebSocket, WebSocketServer } from 'ws';

import { DockerEngine } from './docker-engine';
import { AgentHttpError, messageOf } from './http-util';
import { AgentLogger } from './logger';

const PING_INTERVAL_MS = 50_000;
/** Above this many unsent bytes to the client, stop reading from the engine (backpressure). */
const HIGH_WATER = 1 << 20;
/** Container names or ids, exec ids (hex). */
const STREAM_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export type StreamKind = 'attach' | 'exec';

/**
 * `/websocket/attach` and `/websocket/exec` on this node (Portainer agent protocol §1.5): the engine's hijacked
 * stream (`Upgrade: tcp`) relayed to a WebSocket. Engine output goes out as text frames; a streaming UTF-8 decoder
 * keeps characters split across reads intact (the original drops such bytes). The engine connection is opened
 * first, so that an unknown exec or container is answered with an HTTP error instead of an empty socket.
 */
export class DockerStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });

  constructor(
    private readonly engine: DockerEngine,
    private readonly log: AgentLogger,
  ) {}

  validateId(id: string | null): string {
    if (!id) throw new AgentHttpError('missingId');
    if (!STREAM_ID.test(id)) throw new AgentHttpError('invalidId');
    return id;
  }

  /** Opens the engine stream, then upgrades the client. Rejects (before any upgrade) with an AgentHttpError. */
  async open(
    kind: StreamKind,
    id: string,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): Promise<void> {
    const { engineSocket, rest } = await this.hijack(kind, id);
    if (kind === 'attach') delete req.headers.origin;
    this.wss.handleUpgrade(req, socket, head, (client) => this.relay(client, engineSocket, rest));
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private hijack(kind: StreamKind, id: string): Promise<{ engineSocket: Socket; rest: Buffer }> {
    const path =
      kind === 'attach'
        ? `/containers/${encodeURIComponent(id)}/attach?stdin=1&stdout=1&stderr=1&stream=1`
        : `/exec/${encodeURIComponent(id)}/start`;
    const body = kind === 'exec' ? JSON.stringify({ Tty: true, Detach: false }) : '';
    return new Promise((resolve, reject) => {
      const engineSocket = this.engine.connectRaw();
      let buffered = Buffer.alloc(0);
      const fail = (err: AgentHttpError): void => {
        engineSocket.destroy();
        reject(err);
      };
      const onData = (chunk: Buffer): void => {
        buffered = Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buffered.length > 64 * 1024)
            fail(new AgentHttpError('engineUpgrade', 'Oversized engine reply'));
          return;
        }
        engineSocket.off('data', onData);
        engineSocket.off('error', onError);
        const headText = buffered.subarray(0, end).toString('latin1');
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headText)?.[1] ?? 0);
        if (status === 101 || status === 200) {
          resolve({ engineSocket, rest: buffered.subarray(end + 4) });
          return;
        }
        const bodyText = buffered.subarray(end + 4).toString('utf8');
        let details = bodyText.trim();
        try {
          details = (JSON.parse(bodyText) as { message?: string }).message ?? details;
        } catch {
          // not JSON
        }
        fail(
          new AgentHttpError(
            status === 404 ? 'streamNotFound' : 'engineUpgrade',
            details || `Engine answered ${status}`,
          ),
        );
      };
      const onError = (err: Error): void => fail(new AgentHttpError('dockerSocket', messageOf(err)));
      engineSocket.on('data', onData);
      engineSocket.on('error', onError);
      engineSocket.once('connect', () => {
        engineSocket.write(
          `POST ${path} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n` +
            `Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
      });
    });
  }

  private relay(client: WebSocket, engineSocket: Socket, rest: Buffer): void {
    const decoder = new TextDecoder('utf-8');
    const forward = (chunk: Buffer): void => {
      const text = decoder.decode(chunk, { stream: true });
      if (!text || client.readyState !== WebSocket.OPEN) return;
      client.send(text, () => {
        if (engineSocket.isPaused() && client.bufferedAmount < HIGH_WATER) engineSocket.resume();
      });
      if (client.bufferedAmount >= HIGH_WATER) engineSocket.pause();
    };
    if (rest.length > 0) forward(rest);
    engineSocket.on('data', forward);
    engineSocket.on('end', () => client.close(1000));
    engineSocket.on('close', () => {
      if (client.readyState === WebSocket.OPEN) client.close(1000);
    });
    engineSocket.on('error', (err) => {
      this.log.debug(`stream: engine error ${messageOf(err)}`);
      client.close(1011);
    });

    client.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      engineSocket.write(bytes);
    });
    const ping = setInterval(() => client.ping(), PING_INTERVAL_MS);
    client.on('close', () => {
      clearInterval(ping);
      engineSocket.destroy();
    });
    client.on('error', () => engineSocket.destroy());
  }
}
