import { Injectable } from '@nestjs/common';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { RegistryApiPort, RegistryUnreachable, registryErrorWords } from './registry-api';

/** The outcome of a real login against a registry's `/v2/` API. */
export interface LoginResult {
  ok: boolean;
  /** Status and words of the registry's answer, or the network error. */
  message: string;
  /** False when the registry could not be reached at all. */
  reachable: boolean;
}

/** Logs in to a registry for real (what `docker login` does). A port so unit tests stay off the network. */
export abstract class RegistryLoginPort {
  abstract login(address: string, username: string, password: string): Promise<LoginResult>;
}

/** An ECR authorization token (`AWS:<password>` decoded) and when it expires (ms since epoch). */
export interface EcrToken {
  username: string;
  password: string;
  expiresAt: number;
}

/** Exchanges ECR access keys for a registry token (AWS SDK). A port so unit tests need no AWS. */
export abstract class EcrTokenPort {
  abstract token(region: string, accessKeyId: string, secretAccessKey: string): Promise<EcrToken>;
}

/** `GET /v2/` with the credentials through the registry API: what `docker login` checks. */
@Injectable()
export class HttpRegistryLogin extends RegistryLoginPort {
  constructor(private readonly api: RegistryApiPort) {
    super();
  }

  async login(address: string, username: string, password: string): Promise<LoginResult> {
    try {
      const r = await this.api.request(address, { username, password }, 'GET', '/v2/');
      const words = registryErrorWords(r.body.toString('utf8'));
      const message = `${r.status} ${r.statusText}${r.status >= 300 && words ? `: ${words}` : ''}`;
      return { ok: r.status >= 200 && r.status < 300, reachable: true, message };
    } catch (e) {
      if (e instanceof RegistryUnreachable) return { ok: false, reachable: false, message: e.message };
      throw e;
    }
  }
}

/** ECR's GetAuthorizationToken with the stored keys. */
@Injectable()
export class AwsEcrTokens extends EcrTokenPort {
  async token(region: string, accessKeyId: string, secretAccessKey: string): Promise<EcrToken> {
    const client = new ECRClient({ region, credentials: { accessKeyId, secretAccessKey } });
    try {
      const out = await client.send(new GetAuthorizationTokenCommand({}));
      const data = out.authorizationData?.[0];
      if (!data?.authorizationToken) throw new Error('ECR answered without an authorization token');
      const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return {
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        expiresAt: data.expiresAt?.getTime() ?? Date.now() + 3_600_000,
      };
    } finally {
      client.destroy();
    }
  }
}
