import { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Duplex } from 'node:stream';

import { DockerEngine, EngineUpgrade } from './docker-engine';
import { endToEndHeaders } from './docker-proxy';
import { AgentHttpError, messageOf } from './http-util';
import { AgentLogger } from './logger';
import { AgentCall } from './router';

/** The request body an upgrade may carry (exec start's JSON); more is refused. */
const MAX_BODY = 1 << 20;

/**
 * Docker API connection upgrades through the agent (Portainer agent protocol §1.4, as the original's reverse proxy
 * does): `POST /containers/{id}/attach` and `POST /exec/{id}/start` with `Upgrade: tcp`, `/session` and `/grpc`
 * (`h2c`), the engine's `/containers/{id}/attach/ws`. The request goes to the engine with its upgrade headers; the
 * engine's `101` (with the agent headers) is relayed and the two connections are spliced, bytes both ways. A refusal
 * (404 no such container, 409 not running) is the engine's answer as it is, before any upgrade, then the connection
 * closes.
 */
export class DockerUpgrades {
  private readonly open = new Set<Duplex>();

  constructor(
    private readonly engine: DockerEngine,
    /** Added to every answer (the agent headers). */
    private readonly answerHeaders: Record<string, string>,
    private readonly log: AgentLogger,
  ) {}

  /** Serves one upgrade on this node's engine; rejects with an `AgentHttpError` before anything was answered. */
  async pass(call: AgentCall, socket: Duplex, head: Buffer): Promise<void> {
    if (call.dispatch.kind !== 'docker') throw new Error(`not a Docker call: ${call.path}`);
    const req = call.req;
    if (req.headers['transfer-encoding'] !== undefined)
      throw new AgentHttpError('invalidPayload', 'An upgrade request body must have a Content-Length');
    const length = Number(req.headers['content-length'] ?? 0);
    if (!Number.isSafeInteger(length) || length < 0)
      throw new AgentHttpError('invalidPayload', 'Invalid Content-Length');
    if (length > MAX_BODY) throw new AgentHttpError('invalidPayload', 'Request body too large');
    const { body, rest } = await readExactly(socket, head, length);

    const path = call.dispatch.path + call.search;
    this.track(socket);
    let opened: EngineUpgrade;
    try {
      opened = await this.engine.openUpgrade({
        method: call.method,
        path,
        headers: {
          ...endToEndHeaders(req.headers),
          connection: 'Upgrade',
          upgrade: req.headers.upgrade ?? 'tcp',
          'content-length': String(body.length),
        },
        body,
        client: socket,
      });
    } catch (err) {
      this.log.debug(`docker upgrade ${path}: ${messageOf(err)}`);
      throw new AgentHttpError('dockerSocket', messageOf(err));
    }
    const { answer } = opened;
    if (!opened.upgraded) {
      // Refused (unknown id, not running…): the engine's answer as it is, then the connection closes.
      socket.write(
        statusLine(answer, 502) +
          headerLines({ ...endToEndHeaders(answer.headers), ...this.answerHeaders, connection: 'close' }) +
          '\r\n',
      );
      answer.pipe(socket);
      answer.on('error', () => socket.destroy());
      return;
    }
    const { engine, head: engineHead } = opened;
    socket.write(
      statusLine(answer, 101) +
        headerLines({
          ...endToEndHeaders(answer.headers),
          ...this.answerHeaders,
          connection: 'Upgrade',
          upgrade: answer.headers.upgrade ?? 'tcp',
        }) +
        '\r\n',
    );
    if (engineHead.length > 0) socket.write(engineHead);
    if (rest.length > 0) engine.write(rest);
    engine.pipe(socket);
    socket.pipe(engine);
    engine.on('error', (err) => {
      this.log.debug(`docker upgrade ${path}: engine ${messageOf(err)}`);
      socket.destroy();
    });
    // The engine's end reaches the client through the pipe; `end`, not `destroy`, so what is buffered goes out.
    engine.on('close', () => socket.end());
    socket.on('close', () => engine.destroy());
  }

  /** Ends every spliced connection (the agent is stopping). */
  close(): void {
    for (const socket of this.open) socket.destroy();
  }

  private track(socket: Duplex): void {
    this.open.add(socket);
    socket.on('close', () => this.open.delete(socket));
  }
}

function statusLine(answer: IncomingMessage, fallback: number): string {
  return `HTTP/1.1 ${answer.statusCode ?? fallback} ${answer.statusMessage ?? ''}\r\n`;
}

function headerLines(headers: OutgoingHttpHeaders): string {
  let text = '';
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) text += `${name}: ${v}\r\n`;
  }
  return text;
}

/** `length` bytes of body from `head` and, when short, from the socket; what follows is the client's stream. */
function readExactly(socket: Duplex, head: Buffer, length: number): Promise<{ body: Buffer; rest: Buffer }> {
  if (head.length >= length)
    return Promise.resolve({ body: head.subarray(0, length), rest: head.subarray(length) });
  return new Promise((resolve, reject) => {
    let got = head;
    const done = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      if (got.length < length) return;
      done();
      socket.pause();
      resolve({ body: got.subarray(0, length), rest: got.subarray(length) });
    };
    const onClose = (): void => {
      done();
      reject(new AgentHttpError('invalidPayload', 'The connection closed before the request body'));
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}
