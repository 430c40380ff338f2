import { Injectable } from '@nestjs/common';
import type { Duplex } from 'node:stream';
import { ServiceUnavailableError } from '@capstan/server-core';

/**
 * What the engine connection needs from the edge module's tunnel server: the loopback port where an edge
 * environment's agent API is reachable (asking the agent to connect and waiting for it, bounded), and a mark of
 * use on each request (the idle timer).
 */
export interface EdgeTunnelOpener {
  /** The reverse port on 127.0.0.1, once the agent's tunnel is up; a 503 when it does not come. */
  connect(environmentId: number): Promise<number>;
  /** A request went through (keeps the tunnel from closing as idle). */
  touch(environmentId: number): void;
  /**
   * Async edge environments (no tunnel): an in-process connection to the engine emulated from the latest async
   * snapshot, where reads are answered and the supported actions become queued commands. Undefined for an
   * environment in standard mode.
   */
  asyncConnection?(environmentId: number): Duplex | undefined;
  /** Whether the environment is an async edge one (its snapshots come from the agent, never from a pull). */
  isAsync?(environmentId: number): boolean;
}

/**
 * The seam between environments (which owns the engine connection) and the edge module (which owns the tunnel
 * server and sits above it): the edge module plugs its tunnel server in at start-up; without it, edge
 * environments answer 503.
 */
@Injectable()
export class EdgeTunnels implements EdgeTunnelOpener {
  private opener?: EdgeTunnelOpener;

  use(opener: EdgeTunnelOpener): void {
    this.opener = opener;
  }

  connect(environmentId: number): Promise<number> {
    if (!this.opener)
      return Promise.reject(
        new ServiceUnavailableError(
          'The environment is not connected',
          'The edge tunnel server is not running',
        ),
      );
    return this.opener.connect(environmentId);
  }

  touch(environmentId: number): void {
    this.opener?.touch(environmentId);
  }

  asyncConnection(environmentId: number): Duplex | undefined {
    return this.opener?.asyncConnection?.(environmentId);
  }

  isAsync(environmentId: number): boolean {
    return this.opener?.isAsync?.(environmentId) ?? false;
  }
}
