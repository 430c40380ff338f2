import { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';

import { WebSocket, WebSocketServer } from 'ws';

import { DockerEngine, EngineUpgrade } from './docker-engine';
import { AgentHttpError, messageOf } from './http-util';
import { AgentLogger } from './logger';

const PING_INTERVAL_MS = 50_000;
/** Above this many unsent bytes to the client, stop reading from the engine (backpressure). */
const HIGH_WATER = 1 << 20;
/** Container names or ids, exec ids (hex). */
const STREAM_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** How much of an engine's refusal is read for its message. */
const MAX_REFUSAL_BYTES = 64 * 1024;

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
    const { engineSocket, rest } = await this.hijack(kind, id, socket);
    if (kind === 'attach') delete req.headers.origin;
    this.wss.handleUpgrade(req, socket, head, (client) => this.relay(client, engineSocket, rest));
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  /** The engine's hijacked stream, through the engine's one upgrade opener (as the Docker API upgrades). */
  private async hijack(
    kind: StreamKind,
    id: string,
    client: Duplex,
  ): Promise<{ engineSocket: Duplex; rest: Buffer }> {
    const path =
      kind === 'attach'
        ? `/containers/${encodeURIComponent(id)}/attach?stdin=1&stdout=1&stderr=1&stream=1`
        : `/exec/${encodeURIComponent(id)}/start`;
    const body = Buffer.from(kind === 'exec' ? JSON.stringify({ Tty: true, Detach: false }) : '');
    let opened: EngineUpgrade;
    try {
      opened = await this.engine.openUpgrade({
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/json',
          connection: 'Upgrade',
          upgrade: 'tcp',
          'content-length': String(body.length),
        },
        body,
        client,
      });
    } catch (err) {
      throw new AgentHttpError('dockerSocket', messageOf(err));
    }
    if (opened.upgraded) return { engineSocket: opened.engine, rest: opened.head };
    const status = opened.answer.statusCode ?? 0;
    const bodyText = await readRefusal(opened.answer);
    let details = bodyText.trim();
    try {
      details = (JSON.parse(bodyText) as { message?: string }).message ?? details;
    } catch {
      // not JSON
    }
    throw new AgentHttpError(
      status === 404 ? 'streamNotFound' : 'engineUpgrade',
      details || `Engine answered ${status}`,
    );
  }

  private relay(client: WebSocket, engineSocket: Duplex, rest: Buffer): void {
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
    engineSocket.resume();
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

/** A refusal's body, for its message: at most 64 KiB of it. */
function readRefusal(answer: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
    answer.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REFUSAL_BYTES) chunks.push(chunk);
      else answer.destroy();
    });
    answer.on('end', done);
    answer.on('close', done);
    answer.on('error', done);
  });
}
