import { Injectable, OnModuleInit } from '@nestjs/common';
import { generateTunnelHostKey, tunnelHostKey, type TunnelHostKey } from '@capstan/contracts-agent';
import { KeyValueStore, SecretBox } from '@capstan/server-core';

const TUNNEL_HOST_KEY = 'tunnel_host_key';

/**
 * The edge tunnel's SSH host key (Portainer's `/data/chisel/private-key.pem`): generated once, stored sealed in
 * system_values, so its fingerprint — which every edge key carries and every agent pins — survives restarts and
 * is the same on every replica.
 */
@Injectable()
export class TunnelHostKeyService implements OnModuleInit {
  private key!: TunnelHostKey;

  constructor(
    private readonly store: KeyValueStore,
    private readonly box: SecretBox,
  ) {}

  async onModuleInit(): Promise<void> {
    const sealed = await this.store.getOrCreate(TUNNEL_HOST_KEY, () =>
      this.box.seal(generateTunnelHostKey()),
    );
    let privateKey: string;
    try {
      privateKey = this.box.open(sealed);
    } catch {
      throw new Error(
        'Cannot decrypt the stored tunnel host key: CAPSTAN_SECRET_KEY (or data/secret.key) differs from the one the database was created with',
      );
    }
    this.key = tunnelHostKey(privateKey);
  }

  get fingerprint(): string {
    return this.key.fingerprint;
  }

  /** OpenSSH private key text, for the tunnel server only. */
  get privateKey(): string {
    return this.key.privateKey;
  }
}
