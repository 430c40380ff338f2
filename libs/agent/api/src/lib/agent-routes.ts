import { AGENT_HEADERS, BROWSE_PARAMS } from '@capstan/contracts-agent';

import { BrowseRequest, VolumeBrowser } from './browse';
import { ClusterRouting } from './cluster';
import { DockerEngine } from './docker-engine';
import { dockerHubRateLimits, DockerHubEndpoints } from './dockerhub';
import { proxyToDocker } from './docker-proxy';
import { readHostInfo } from './host-info';
import { AgentHttpError, messageOf, sendJson, sendNoContent } from './http-util';
import { AgentLogger } from './logger';
import { AgentCall, AgentRouteTable, AgentUpgradeHandler } from './router';
import { DockerStreams, StreamKind } from './websocket';

export interface AgentRouteDeps {
  engine: DockerEngine;
  browser: VolumeBrowser;
  streams: DockerStreams;
  hub: DockerHubEndpoints;
  /** The bind-mounted host root (host info). */
  hostRoot: string;
  cluster?: ClusterRouting;
  log: AgentLogger;
}

/** This node's handlers for the agent API (protocol §1.3): the classic agent's, and an edge agent's once keyed. */
export function agentRouteTable(deps: AgentRouteDeps): AgentRouteTable {
  const { browser } = deps;
  return {
    routes: {
      ping: (_call, res) => sendNoContent(res),
      agents: async (_call, res) => {
        if (!deps.cluster) throw new AgentHttpError('standaloneAgents');
        sendJson(res, await deps.cluster.members());
      },
      hostInfo: async (_call, res) => sendJson(res, await readHostInfo(deps.hostRoot)),
      browseLs: (call, res) => browser.ls(browseRequest(call), browsePath(call), res),
      browseGet: (call, res) => browser.get(browseRequest(call), browsePath(call), call.req, res),
      browseDelete: (call, res) => browser.delete(browseRequest(call), browsePath(call), res),
      browseRename: (call, res) => browser.rename(browseRequest(call), call.req, res),
      browsePut: (call, res) => browser.put(browseRequest(call), call.req, res),
      dockerHub: (call, res) => dockerHubRateLimits(call.req, res, deps.hub),
    },
    upgrades: {
      websocketAttach: stream(deps.streams, 'attach'),
      websocketExec: stream(deps.streams, 'exec'),
    },
    docker: (call, res) => {
      if (call.dispatch.kind !== 'docker') throw new Error(`not a Docker call: ${call.path}`);
      proxyToDocker(deps.engine, call.req, res, call.dispatch.path + call.search, deps.log);
    },
    key: () => {
      throw new AgentHttpError('edgeKeyDisabled');
    },
    kubernetes: () => {
      throw new AgentHttpError('kubernetesUnavailable');
    },
  };
}

function browseRequest(call: AgentCall): BrowseRequest {
  const volumeId = call.dispatch.kind === 'route' ? call.dispatch.volumeId : undefined;
  return {
    volumeId: volumeId ?? call.query.get(BROWSE_PARAMS.volumeId) ?? undefined,
    hostAllowed: call.req.headers[AGENT_HEADERS.browseHost.toLowerCase()] === '1',
  };
}

/** The v1 browse form (volume in the path) takes an optional path, empty meaning the volume root. */
function browsePath(call: AgentCall): string | null {
  const v1 = call.dispatch.kind === 'route' && call.dispatch.volumeId !== undefined;
  const path = call.query.get(BROWSE_PARAMS.path);
  return v1 ? path || '/' : path;
}

/** `/websocket/attach` and `/websocket/exec` on this node: refused with an HTTP answer before any upgrade. */
function stream(streams: DockerStreams, kind: StreamKind): AgentUpgradeHandler {
  return async (call, socket, head) => {
    const id = streams.validateId(call.query.get('id'));
    try {
      await streams.open(kind, id, call.req, socket, head);
    } catch (err) {
      throw err instanceof AgentHttpError ? err : new AgentHttpError('engineUpgrade', messageOf(err));
    }
  };
}
