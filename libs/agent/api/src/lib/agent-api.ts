import { IncomingMessage, Server, ServerResponse, STATUS_CODES } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';

import {
  AGENT_API_VERSION,
  AGENT_HEADERS,
  AGENT_VERSION,
  AgentDispatch,
  AgentPlatform,
  BROWSE_PARAMS,
  dispatchAgentRequest,
  stripDockerApiVersion,
} from '@capstan/contracts-agent';

import { VolumeBrowser } from './browse';
import { ClusterMembership } from './cluster';
import { DockerEndpoint, DockerEngine } from './docker-engine';
import { dockerHubRateLimits, DOCKER_HUB, DockerHubEndpoints } from './dockerhub';
import { proxyToDocker } from './docker-proxy';
import { readHostInfo } from './host-info';
import { AgentHttpError, errorBody, messageOf, sendError, sendJson, sendNoContent } from './http-util';
import { AgentLogger, silentLogger } from './logger';
import { SignatureGuard } from './signature-guard';
import { createSelfSignedTls } from './tls';
import { DockerStreams } from './websocket';

export interface AgentApiOptions {
  host: string;
  port: number;
  platform: AgentPlatform;
  docker: DockerEndpoint;
  /** AGENT_SECRET: signatures are over this secret and no key is pinned. */
  secret?: string;
  /** AGENT_SECRET_TIMEOUT: shut the API down if no server has associated by then (no secret only). 0 = never. */
  secretTimeoutMs: number;
  /** The bind-mounted host root (host info). */
  hostRoot: string;
  /** Fallback volumes directory when the engine cannot be asked for a volume's mountpoint. */
  volumesDir?: string;
  cluster?: ClusterMembership;
  log?: AgentLogger;
  dockerHub?: DockerHubEndpoints;
}

export interface AgentApi {
  server: Server;
  guard: SignatureGuard;
  /** Resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  close(): Promise<void>;
  /** Resolves when the API shut itself down because no server associated within AGENT_SECRET_TIMEOUT. */
  readonly securityShutdown: Promise<void>;
}

const PING_PATHS = new Set(['/ping', '/v2/ping']);

/** The classic agent API over HTTPS with a certificate generated at start (Portainer agent protocol §1, §3). */
export async function createAgentApi(options: AgentApiOptions): Promise<AgentApi> {
  const log = options.log ?? silentLogger;
  const tls = await createSelfSignedTls(options.host);
  const engine = new DockerEngine(options.docker);
  const guard = new SignatureGuard(options.secret);
  const browser = new VolumeBrowser(engine, options.volumesDir);
  const streams = new DockerStreams(engine, log);
  const hub = options.dockerHub ?? DOCKER_HUB;

  const server = createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
  server.keepAliveTimeout = 5_000;

  const setAgentHeaders = (res: ServerResponse): void => {
    res.setHeader(AGENT_HEADERS.agent, AGENT_VERSION);
    res.setHeader(AGENT_HEADERS.apiVersion, AGENT_API_VERSION);
    res.setHeader(AGENT_HEADERS.platform, String(options.platform));
  };
  const agentHeaderLines = (): string =>
    `${AGENT_HEADERS.agent}: ${AGENT_VERSION}\r\n${AGENT_HEADERS.apiVersion}: ${AGENT_API_VERSION}\r\n` +
    `${AGENT_HEADERS.platform}: ${options.platform}\r\n`;

  const route = async (
    dispatch: AgentDispatch,
    req: IncomingMessage,
    res: ServerResponse,
    pathAndQuery: string,
  ): Promise<void> => {
    const query = new URLSearchParams(
      pathAndQuery.includes('?') ? pathAndQuery.slice(pathAndQuery.indexOf('?')) : '',
    );
    switch (dispatch.kind) {
      case 'key':
      case 'kubernetes':
        throw new AgentHttpError(dispatch.kind === 'key' ? 'edgeKeyDisabled' : 'kubernetesUnavailable');
      case 'notFound':
        throw new AgentHttpError(
          'notFound',
          `No route for ${req.method ?? ''} ${pathAndQuery.split('?')[0]}`,
        );
      case 'methodNotAllowed':
        res.setHeader('Allow', dispatch.allow);
        throw new AgentHttpError('methodNotAllowed', `${req.method ?? ''} ${pathAndQuery.split('?')[0]}`);
      case 'docker': {
        const q = pathAndQuery.indexOf('?');
        proxyToDocker(engine, req, res, dispatch.path + (q < 0 ? '' : pathAndQuery.slice(q)), log);
        return;
      }
      case 'route':
        break;
    }
    const browse = {
      volumeId: dispatch.volumeId ?? query.get(BROWSE_PARAMS.volumeId) ?? undefined,
      hostAllowed: req.headers[AGENT_HEADERS.browseHost.toLowerCase()] === '1',
    };
    // v1 browse: path optional, empty meaning the volume root.
    const path =
      dispatch.volumeId !== undefined ? query.get(BROWSE_PARAMS.path) || '/' : query.get(BROWSE_PARAMS.path);
    switch (dispatch.route.name) {
      case 'ping':
        sendNoContent(res);
        return;
      case 'agents': {
        if (!options.cluster) throw new AgentHttpError('standaloneAgents');
        sendJson(res, await options.cluster.members());
        return;
      }
      case 'hostInfo':
        sendJson(res, await readHostInfo(options.hostRoot));
        return;
      case 'browseLs':
        return browser.ls(browse, path, res);
      case 'browseGet':
        return browser.get(browse, path, req, res);
      case 'browseDelete':
        return browser.delete(browse, path, res);
      case 'browseRename':
        return browser.rename(browse, req, res);
      case 'browsePut':
        return browser.put(browse, req, res);
      case 'dockerHub':
        return dockerHubRateLimits(req, res, hub);
      case 'websocketAttach':
      case 'websocketExec':
        throw new AgentHttpError('invalidPayload', 'A WebSocket upgrade is required');
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const rawPath = url.split('?')[0];
    const dispatch = dispatchAgentRequest(req.method ?? 'GET', rawPath);
    // As the original, /key answers before any agent header is set.
    if (dispatch.kind !== 'key') setAgentHeaders(res);
    // The ping is public whatever the method (HEAD gets its 405 unsigned, as the original).
    if (!PING_PATHS.has(stripDockerApiVersion(rawPath)) && dispatch.kind !== 'key') {
      const check = guard.check(req.headers);
      if (!check.ok) {
        log.debug(`refused ${req.method ?? ''} ${rawPath}: ${check.error}`);
        req.resume();
        sendError(res, check.error, check.details);
        return;
      }
    }
    route(dispatch, req, res, url).catch((err: unknown) => {
      req.resume();
      if (err instanceof AgentHttpError) {
        sendError(res, err.error, err.details);
        return;
      }
      log.error(`${req.method ?? ''} ${rawPath}: ${messageOf(err)}`);
      sendError(res, 'internal', messageOf(err));
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const reject = (err: AgentHttpError): void => {
      const { status, body } = errorBody(err.error, err.details);
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${agentHeaderLines()}Content-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    const url = req.url ?? '/';
    const dispatch = dispatchAgentRequest(req.method ?? 'GET', url.split('?')[0]);
    const check = guard.check(req.headers);
    if (!check.ok) return reject(new AgentHttpError(check.error, check.details));
    if (dispatch.kind !== 'route' || !dispatch.route.websocket) {
      return reject(
        new AgentHttpError(
          'invalidPayload',
          'WebSocket upgrades are served on /websocket/attach and /websocket/exec only',
        ),
      );
    }
    const kind = dispatch.route.name === 'websocketAttach' ? 'attach' : 'exec';
    let id: string;
    try {
      id = streams.validateId(new URL(url, 'https://agent').searchParams.get('id'));
    } catch (err) {
      return reject(err as AgentHttpError);
    }
    streams.open(kind, id, req, socket, head).catch((err: unknown) => {
      reject(err instanceof AgentHttpError ? err : new AgentHttpError('engineUpgrade', messageOf(err)));
    });
  });

  let resolveShutdown: () => void = () => undefined;
  const securityShutdown = new Promise<void>((resolve) => (resolveShutdown = resolve));
  let securityTimer: NodeJS.Timeout | undefined;
  let keepAlive: NodeJS.Timeout | undefined;

  const closeServer = (): Promise<void> =>
    new Promise<void>((resolve) => {
      streams.close();
      server.close(() => resolve());
      server.closeIdleConnections();
      engine.close();
    });

  return {
    server,
    guard,
    securityShutdown,
    listen: () =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          if (options.secret === undefined && options.secretTimeoutMs > 0) {
            securityTimer = setTimeout(() => {
              if (guard.associated) return;
              log.warn(
                'Shutting down the API: no Portainer/Capstan server associated with this agent within AGENT_SECRET_TIMEOUT',
              );
              // The process stays up on purpose: an exit would let the restart policy bring the API back.
              keepAlive = setInterval(() => undefined, 3_600_000);
              void closeServer().then(resolveShutdown);
            }, options.secretTimeoutMs);
            securityTimer.unref();
          }
          resolve((server.address() as AddressInfo).port);
        });
      }),
    close: async () => {
      clearTimeout(securityTimer);
      clearInterval(keepAlive);
      if (server.listening) await closeServer();
    },
  };
}
