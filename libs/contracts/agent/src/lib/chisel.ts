import {
  connect as netConnect,
  createServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import type { Duplex } from 'node:stream';
import {
  Client as SshClient,
  Server as SshServer,
  utils as sshUtils,
  type Connection,
  type ParsedKey,
} from 'ssh2';
import { WebSocket, WebSocketServer, createWebSocketStream } from 'ws';
import type { IncomingMessage } from 'node:http';
import {
  CHISEL_PROTOCOL,
  chiselFingerprint,
  chiselUserAddr,
  reverseRemote,
  type ChiselConfig,
  type ChiselRemote,
} from './edge';

/*
 * A chisel-compatible reverse tunnel (jpillora/chisel v1.x, as Portainer embeds it) on the npm `ssh2` and `ws`
 * libraries: SSH over a WebSocket with the `chisel-v3` subprotocol, a `config` global request carrying the remotes
 * as JSON, and, for a reverse remote, the server listening on the remote's port and opening one `chisel` channel
 * per TCP connection (extra data: the target `host:port`), which the client pipes to its target.
 *
 * ssh2 implements SSH; it only lacks chisel's two non-standard messages (a global request named `config` with a
 * raw JSON payload, and channels of type `chisel`). Those are written and read here through ssh2's packet writer
 * and channel manager — the few internal names used are listed in `SshInternals` and pinned by the specs.
 */

const MSG = { GLOBAL_REQUEST: 80, REQUEST_SUCCESS: 81, REQUEST_FAILURE: 82, CHANNEL_OPEN: 90 } as const;
const CHANNEL_OPEN_FAILURE_PROHIBITED = 1;

/* eslint-disable @typescript-eslint/no-require-imports */
const { sendPacket } = require('ssh2/lib/protocol/utils.js') as {
  sendPacket: (proto: unknown, packet: Buffer) => void;
};
const { Channel, MAX_WINDOW, PACKET_SIZE } = require('ssh2/lib/Channel.js') as {
  Channel: new (client: unknown, info: unknown, opts?: unknown) => Duplex;
  MAX_WINDOW: number;
  PACKET_SIZE: number;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface ChannelInfo {
  type: string;
  sender: number;
  window: number;
  packetSize: number;
}

/** The ssh2 internals this module relies on (ssh2 1.x). */
interface SshInternals {
  _protocol: {
    _handlers: {
      GLOBAL_REQUEST: (p: unknown, name: string, wantReply: boolean, data: unknown) => void;
      CHANNEL_OPEN: (p: unknown, info: ChannelInfo) => void;
    };
    _packetRW: { write: { allocStart: number; alloc(n: number): Buffer; finalize(p: Buffer): Buffer } };
    requestSuccess(data?: Buffer): void;
    requestFailure(): void;
    channelOpenConfirm(remote: number, local: number, window: number, packetSize: number): void;
    channelOpenFail(remote: number, reason: number, desc: string): void;
  };
  _chanMgr: {
    add(v?: unknown): number;
    update(id: number, v: unknown): void;
    remove(id: number): void;
  };
  _callbacks: ((failed: boolean, data?: Buffer) => void)[];
}

function internals(c: unknown): SshInternals {
  return c as SshInternals;
}

function sshString(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function sendRaw(conn: unknown, payload: Buffer): void {
  const proto = internals(conn)._protocol;
  const rw = proto._packetRW.write;
  const packet = rw.alloc(payload.length);
  payload.copy(packet, rw.allocStart);
  sendPacket(proto, rw.finalize(packet));
}

// ───────────────────────────── host key ─────────────────────────────

export interface TunnelHostKey {
  /** OpenSSH private key text (keep it secret). */
  readonly privateKey: string;
  /** chisel fingerprint of its public key (what the edge key carries). */
  readonly fingerprint: string;
}

export function generateTunnelHostKey(): string {
  return sshUtils.generateKeyPairSync('ecdsa', { bits: 256 }).private;
}

export function tunnelHostKey(privateKey: string): TunnelHostKey {
  const parsed = sshUtils.parseKey(privateKey);
  if (parsed instanceof Error) throw parsed;
  const key: ParsedKey | undefined = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (!key) throw new Error('No key in the tunnel host key file');
  return { privateKey, fingerprint: chiselFingerprint(key.getPublicSSH()) };
}

// ───────────────────────────── server ─────────────────────────────

/** One credential: `user:pass`, allowed to open only `R:0.0.0.0:<port>`. */
export interface TunnelGrant {
  readonly user: string;
  readonly password: string;
  readonly port: number;
}

export interface TunnelEvents {
  /** The reverse port is listening on the server's loopback: the environment is reachable. */
  opened(grant: TunnelGrant): void;
  /** The SSH session ended (the agent left, the grant was revoked). */
  closed(grant: TunnelGrant): void;
}

/**
 * The server side. Listens on its own port (`CAPSTAN_TUNNEL_PORT`); the grants (credentials) are given by the
 * owner (the edge module), one per open tunnel; `revoke` ends the session of a grant.
 */
export class ChiselServer {
  private readonly grants = new Map<string, TunnelGrant>();
  /** Connections open through each grant's tunnel (a console keeps its tunnel from closing as idle). */
  private readonly open = new Map<string, number>();
  private readonly sessions = new Map<string, { ssh: Connection; listener?: NetServer }>();
  private readonly wss: WebSocketServer;
  private readonly ssh: SshServer;

  constructor(
    hostKey: string,
    private readonly events: TunnelEvents,
    private readonly configTimeoutMs = 10_000,
  ) {
    this.ssh = new SshServer({ hostKeys: [hostKey] }, (client) => this.onClient(client));
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: 1024 * 1024,
      handleProtocols: (protocols) => (protocols.has(CHISEL_PROTOCOL) ? CHISEL_PROTOCOL : false),
    });
  }

  /** Attach to an HTTP server's upgrades (anything that is not chisel-v3 gets a 400). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!offered.includes(CHISEL_PROTOCOL)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => ws.terminate());
      this.ssh.injectSocket(stream as unknown as Socket);
    });
  }

  grant(g: TunnelGrant): void {
    this.grants.set(g.user, g);
  }

  /** Forgets the grant and ends its session: a credential is good for one tunnel only. */
  revoke(user: string): void {
    this.grants.delete(user);
    const s = this.sessions.get(user);
    if (s) s.ssh.end();
  }

  close(): void {
    for (const user of [...this.sessions.keys()]) this.revoke(user);
    this.wss.close();
    this.ssh.close();
  }

  private onClient(client: Connection): void {
    let grant: TunnelGrant | undefined;
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      const g = this.grants.get(ctx.username);
      if (
        ctx.method === 'password' &&
        g &&
        timingSafeEqualText(g.password, ctx.password) &&
        !this.sessions.has(g.user)
      ) {
        grant = g;
        ctx.accept();
      } else ctx.reject(['password']);
    });
    const configDeadline = setTimeout(() => client.end(), this.configTimeoutMs);
    client.on('close', () => {
      clearTimeout(configDeadline);
      if (!grant) return;
      const s = this.sessions.get(grant.user);
      if (s?.ssh !== client) return;
      s.listener?.close();
      this.sessions.delete(grant.user);
      this.events.closed(grant);
    });
    client.on('ready', () => {
      if (grant) this.sessions.set(grant.user, { ssh: client });
    });
    const proto = internals(client)._protocol;
    const original = proto._handlers.GLOBAL_REQUEST;
    proto._handlers.GLOBAL_REQUEST = (p, name, wantReply, data) => {
      if (name === 'ping') {
        if (wantReply) proto.requestSuccess(Buffer.from('pong'));
        return;
      }
      if (name !== 'config') return original(p, name, wantReply, data);
      clearTimeout(configDeadline);
      const fail = (message: string): void => {
        if (wantReply)
          sendRaw(client, Buffer.concat([Buffer.from([MSG.REQUEST_FAILURE]), Buffer.from(message)]));
        client.end();
      };
      if (!grant) return fail('not authenticated');
      const remote = parseConfig(data);
      if (typeof remote === 'string') return fail(remote);
      if (chiselUserAddr(remote) !== `R:0.0.0.0:${grant.port}`)
        return fail(`access to '${chiselUserAddr(remote)}' denied`);
      const g = grant;
      const listener = createServer((sock) =>
        this.forward(client, g.user, sock, `${remote.RemoteHost}:${remote.RemotePort}`),
      );
      listener.on('error', () => fail(`Server cannot listen on ${remote.LocalHost}:${remote.LocalPort}`));
      // Only the server itself dials the agent: the reverse port is on loopback, never 0.0.0.0.
      listener.listen(g.port, '127.0.0.1', () => {
        const s = this.sessions.get(g.user);
        if (!s || s.ssh !== client) {
          listener.close();
          return;
        }
        s.listener = listener;
        if (wantReply) proto.requestSuccess();
        this.events.opened(g);
      });
    };
  }

  /** One TCP connection to the reverse port: a `chisel` channel to the agent, piped both ways. */
  /** Whether connections are open through this grant's tunnel right now. */
  busy(user: string): boolean {
    return (this.open.get(user) ?? 0) > 0;
  }

  private forward(client: Connection, user: string, sock: Socket, target: string): void {
    this.open.set(user, (this.open.get(user) ?? 0) + 1);
    sock.once('close', () => {
      const n = (this.open.get(user) ?? 1) - 1;
      if (n > 0) this.open.set(user, n);
      else this.open.delete(user);
    });
    const wrapper = Object.assign(
      (err: Error | undefined, channel: Duplex | undefined) => {
        if (err || !channel) {
          sock.destroy();
          return;
        }
        sock.pipe(channel).pipe(sock);
        channel.on('error', () => sock.destroy());
        sock.on('error', () => channel.destroy());
        channel.on('close', () => sock.destroy());
        sock.on('close', () => channel.destroy());
      },
      { type: 'chisel' },
    );
    const localChan = internals(client)._chanMgr.add(wrapper);
    if (localChan === -1) return void sock.destroy();
    sock.on('error', () => undefined);
    sendRaw(
      client,
      Buffer.concat([
        Buffer.from([MSG.CHANNEL_OPEN]),
        sshString('chisel'),
        uint32(localChan),
        uint32(MAX_WINDOW),
        uint32(PACKET_SIZE),
        Buffer.from(target, 'utf8'),
      ]),
    );
  }
}

function timingSafeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The one reverse remote of a `config` request, or why it is refused. */
function parseConfig(data: unknown): ChiselRemote | string {
  if (!Buffer.isBuffer(data) || data.length > 64 * 1024) return 'invalid config';
  let config: Partial<ChiselConfig>;
  try {
    config = JSON.parse(data.toString('utf8')) as Partial<ChiselConfig>;
  } catch {
    return 'invalid config';
  }
  const remotes = Array.isArray(config?.Remotes) ? config.Remotes : [];
  if (remotes.length !== 1) return 'expecting exactly one remote';
  const r = remotes[0] as Partial<ChiselRemote>;
  if (r.Reverse !== true || r.Socks || r.Stdio || (r.RemoteProto ?? 'tcp') !== 'tcp')
    return 'only a reverse TCP remote is allowed';
  if (
    typeof r.LocalHost !== 'string' ||
    !/^\d{1,5}$/.test(String(r.LocalPort)) ||
    !/^\d{1,5}$/.test(String(r.RemotePort))
  )
    return 'invalid remote';
  if (typeof r.RemoteHost !== 'string' || !/^[A-Za-z0-9.:_-]{1,255}$/.test(r.RemoteHost))
    return 'invalid remote host';
  return r as ChiselRemote;
}

// ───────────────────────────── client ─────────────────────────────

export interface ChiselClientOptions {
  /** ws:// or wss:// URL of the tunnel server (chisel prepends http:// to the key's tunnel address). */
  readonly url: string;
  readonly fingerprint: string;
  readonly user: string;
  readonly password: string;
  /** The reverse port granted by the server. */
  readonly port: number;
  /** Where the tunnel's connections go (the agent API). */
  readonly target: { host: string; port: number };
  readonly timeoutMs?: number;
  readonly wsOptions?: ConstructorParameters<typeof WebSocket>[2];
  /** Each connection through the tunnel (the agent resets its inactivity timer). */
  readonly onConnection?: () => void;
}

export interface ChiselTunnel {
  close(): void;
  readonly closed: Promise<void>;
}

/** The agent side: connects, authenticates, sends the config, pipes every `chisel` channel to the target. */
export function openChiselTunnel(o: ChiselClientOptions): Promise<ChiselTunnel> {
  const timeoutMs = o.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(o.url, CHISEL_PROTOCOL, { handshakeTimeout: timeoutMs, ...o.wsOptions });
    const ssh = new SshClient();
    let settled = false;
    let resolveClosed!: () => void;
    const closed = new Promise<void>((r) => (resolveClosed = r));
    const fail = (err: Error): void => {
      if (!settled) {
        settled = true;
        reject(err);
      }
      ssh.end();
      ws.terminate();
    };
    const timer = setTimeout(() => fail(new Error('Tunnel connection timed out')), timeoutMs);
    ws.on('error', (e) => fail(e));
    ws.on('close', () => {
      resolveClosed();
      ssh.end();
    });
    ws.on('open', () => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => ws.terminate());
      ssh.on('error', (e) => fail(e));
      ssh.on('close', () => {
        ws.close();
        resolveClosed();
      });
      ssh.on('ready', () => {
        const config: ChiselConfig = {
          Version: '1.10.1',
          Remotes: [reverseRemote(o.port, o.target.host, o.target.port)],
        };
        internals(ssh)._callbacks.push((failed, data) => {
          clearTimeout(timer);
          if (failed)
            return fail(new Error(`Tunnel server refused the config${data ? `: ${data.toString()}` : ''}`));
          settled = true;
          resolve({ close: () => ssh.end(), closed });
        });
        sendRaw(
          ssh,
          Buffer.concat([
            Buffer.from([MSG.GLOBAL_REQUEST]),
            sshString('config'),
            Buffer.from([1]),
            Buffer.from(JSON.stringify(config)),
          ]),
        );
      });
      ssh.connect({
        sock: stream,
        username: o.user,
        password: o.password,
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => chiselFingerprint(key) === o.fingerprint,
        keepaliveInterval: 0,
      });
      acceptChiselChannels(ssh, o);
    });
  });
}

/** Server-opened `chisel` channels: each is piped to the one configured target, whatever address it names. */
function acceptChiselChannels(ssh: SshClient, o: ChiselClientOptions): void {
  const inner = internals(ssh);
  const original = inner._protocol._handlers.CHANNEL_OPEN;
  inner._protocol._handlers.CHANNEL_OPEN = (p, info) => {
    if (info.type !== 'chisel') {
      original(p, info);
      return;
    }
    const localChan = inner._chanMgr.add();
    if (localChan === -1) {
      inner._protocol.channelOpenFail(info.sender, CHANNEL_OPEN_FAILURE_PROHIBITED, 'busy');
      return;
    }
    const target = netConnect(o.target.port, o.target.host);
    target.once('connect', () => {
      const channel = new Channel(ssh, {
        type: 'chisel',
        incoming: { id: localChan, window: MAX_WINDOW, packetSize: PACKET_SIZE, state: 'open' },
        outgoing: { id: info.sender, window: info.window, packetSize: info.packetSize, state: 'open' },
      });
      inner._chanMgr.update(localChan, channel);
      inner._protocol.channelOpenConfirm(info.sender, localChan, MAX_WINDOW, PACKET_SIZE);
      o.onConnection?.();
      target.pipe(channel).pipe(target);
      channel.on('error', () => target.destroy());
      channel.on('close', () => target.destroy());
      target.on('close', () => channel.destroy());
    });
    target.once('error', (e) => {
      if (target.connecting || !target.remoteAddress) {
        inner._chanMgr.remove(localChan);
        inner._protocol.channelOpenFail(info.sender, 2, e.message);
      }
    });
  };
}

export type { AddressInfo };
