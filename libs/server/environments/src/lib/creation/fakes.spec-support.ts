import type { EngineConnection } from '../engine/engine-connection';
import { DockerPort, type EngineReader } from '../engine/engine-reader';

/** A DockerPort that records the connections asked for and answers ping/version as told. */
export class FakeDockerPort extends DockerPort {
  readonly connections: EngineConnection[] = [];
  ping: () => Promise<void> = () => Promise.resolve();
  version: () => Promise<Record<string, unknown>> = () => Promise.resolve({ Version: '28.0.0' });

  connect(connection: EngineConnection): EngineReader {
    this.connections.push(connection);
    const unused = () => Promise.reject(new Error('not used in this test'));
    return {
      ping: () => this.ping(),
      version: () => this.version(),
      info: unused,
      containers: unused,
      images: unused,
      volumes: unused,
      networks: unused,
      services: unused,
      nodes: unused,
    };
  }
}

export const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
export const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
