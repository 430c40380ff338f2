import { Server, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';

import { AgentPlatform } from '@capstan/contracts-agent';

import { agentRouteTable } from './agent-routes';
import { VolumeBrowser } from './browse';
import { ClusterRouting, clusterStep } from './cluster';
import { DockerEndpoint, DockerEngine } from './docker-engine';
import { DockerUpgrades } from './docker-upgrade';
import { DOCKER_HUB, DockerHubEndpoints } from './dockerhub';
import { AgentLogger, silentLogger } from './logger';
import { agentHeaders, agentHeadersStep, AgentRouter, AgentRouterStep } from './router';
import { SignatureGuard, signatureStep } from './signature-guard';
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
  /** Swarm cluster mode (`AgentCluster` of `@capstan/agent-cluster`); standalone without it. */
  cluster?: ClusterRouting;
  log?: AgentLogger;
  dockerHub?: DockerHubEndpoints;
  /**
   * Edge mode (agent protocol §5.4): the same router over plain HTTP — reached only through the reverse tunnel,
   * on the advertise address — and every call reported (the tunnel's inactivity timer).
   */
  edge?: { onActivity(): void };
  /**
   * Serve plain HTTP instead of HTTPS (edge mode always does). For a stand-in on a private test network — the
   * Swarm suite's harness, whose peers reach each other over `http` — never for an agent a server reaches.
   */
  plainHttp?: boolean;
}

export interface AgentApi {
  server: Server;
  /** Resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  close(): Promise<void>;
  /** Resolves when the API shut itself down because no server associated within AGENT_SECRET_TIMEOUT. */
  readonly securityShutdown: Promise<void>;
}

/**
 * What the classic agent does before a handler, in this order: the agent headers, the signature check, then (Swarm
 * mode) the cluster — after the signature, so that nothing unverified leaves this node.
 */
export function classicAgentSteps(options: {
  platform: AgentPlatform;
  guard: SignatureGuard;
  cluster?: ClusterRouting;
  log: AgentLogger;
  onActivity?: () => void;
}): AgentRouterStep[] {
  const activity = options.onActivity;
  return [
    ...(activity
      ? [
          {
            request: () => (activity(), false),
            upgrade: () => (activity(), false),
          },
        ]
      : []),
    agentHeadersStep(options.platform),
    signatureStep(options.guard, options.log),
    ...(options.cluster ? [clusterStep(options.cluster)] : []),
  ];
}

/**
 * The classic agent API (Portainer agent protocol §1, §3): the agent router served over HTTPS with a certificate
 * generated at start.
 */
export async function createAgentApi(options: AgentApiOptions): Promise<AgentApi> {
  const log = options.log ?? silentLogger;
  const tls = options.edge || options.plainHttp ? undefined : await createSelfSignedTls(options.host);
  const engine = new DockerEngine(options.docker);
  const guard = new SignatureGuard(options.secret);
  const streams = new DockerStreams(engine, log);
  const upgrades = new DockerUpgrades(engine, agentHeaders(options.platform), log);
  const router = new AgentRouter(
    agentRouteTable({
      engine,
      browser: new VolumeBrowser(engine, options.volumesDir),
      streams,
      dockerUpgrades: upgrades,
      hub: options.dockerHub ?? DOCKER_HUB,
      hostRoot: options.hostRoot,
      cluster: options.cluster,
      log,
    }),
    classicAgentSteps({
      platform: options.platform,
      guard,
      cluster: options.cluster,
      log,
      onActivity: options.edge ? () => options.edge?.onActivity() : undefined,
    }),
    { platform: options.platform, log },
  );

  // Half-open connections (as Node's plain HTTP server): a client of a Docker API upgrade closes its side after
  // stdin (`docker exec -i`, `docker attach`) and still reads the output.
  const server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', allowHalfOpen: true })
    : // Node's HTTP server is always half-open.
      createHttpServer();
  server.keepAliveTimeout = 5_000;
  router.serve(server);

  let resolveShutdown: () => void = () => undefined;
  const securityShutdown = new Promise<void>((resolve) => (resolveShutdown = resolve));
  let securityTimer: NodeJS.Timeout | undefined;
  let keepAlive: NodeJS.Timeout | undefined;

  const closeServer = (): Promise<void> =>
    new Promise<void>((resolve) => {
      streams.close();
      upgrades.close();
      server.close(() => resolve());
      server.closeIdleConnections();
      engine.close();
    });

  return {
    server,
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
