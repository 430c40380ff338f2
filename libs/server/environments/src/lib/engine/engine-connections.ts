import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { EngineClient } from './engine-client';
import { engineKey, type EngineConnection } from './engine-connection';
import { TRANSPORTS, transportFor, type EngineTransport, type TransportKind } from './transports';

/**
 * The engine connections of the server: one transport (keep-alive pool, TLS sessions) per environment, reused by
 * every caller (snapshots, proxy, consoles, streams, webhooks) and replaced when the environment's URL, TLS or
 * agent settings change, closed when it is deleted and at shutdown. One-off connections (checks before an
 * environment is saved) get a transport of their own, whose idle sockets close by themselves.
 */
@Injectable()
export class EngineConnections implements OnApplicationShutdown {
  private readonly byEnvironment = new Map<number, { key: string; transport: EngineTransport }>();
  private readonly forgetListeners: ((environmentId: number) => void)[] = [];

  /** Tried in order; edge tunnel and Kubernetes will add theirs to TRANSPORTS. */
  protected readonly kinds: readonly TransportKind[] = TRANSPORTS;

  client(connection: EngineConnection): EngineClient {
    return new EngineClient(connection, this.transport(connection));
  }

  /** The environment is gone: its sockets close (and what else listens, e.g. its local endpoint). */
  forget(environmentId: number): void {
    this.byEnvironment.get(environmentId)?.transport.close();
    this.byEnvironment.delete(environmentId);
    for (const listener of this.forgetListeners) listener(environmentId);
  }

  onForget(listener: (environmentId: number) => void): void {
    this.forgetListeners.push(listener);
  }

  onApplicationShutdown(): void {
    for (const { transport } of this.byEnvironment.values()) transport.close();
    this.byEnvironment.clear();
  }

  private transport(connection: EngineConnection): EngineTransport {
    const id = connection.environmentId;
    if (id === undefined) return transportFor(connection, this.kinds);
    const key = engineKey(connection);
    const cached = this.byEnvironment.get(id);
    if (cached?.key === key) return cached.transport;
    cached?.transport.close();
    const transport = transportFor(connection, this.kinds);
    this.byEnvironment.set(id, { key, transport });
    return transport;
  }
}
