import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  AGENT_HEADERS,
  AGENT_SIGNATURE_MESSAGE,
  generateAgentKeyPair,
  signAgentMessage,
} from '@capstan/contracts-agent';
import { CAPSTAN_CONFIG, type CapstanConfig, KeyValueStore, SecretBox } from '@capstan/server-core';

const AGENT_KEY_PAIR = 'agent_key_pair';

interface StoredKeyPair {
  /** PKIX DER hex, the X-PortainerAgent-PublicKey value. */
  publicKey: string;
  /** PKCS#8 DER, base64, sealed with the secret-at-rest key. */
  privateKey: string;
}

/** The signature headers of every request to an agent. */
export type AgentSignatureHeaders = Readonly<Record<string, string>>;

/**
 * The server's ECDSA P-256 key pair for the agent protocol (Portainer's `api/crypto/ecdsa.go`): generated once,
 * stored in the database with the private key sealed (like the JWT secret), so agents that pinned the key keep
 * answering after a restart and every replica signs with the same key.
 */
@Injectable()
export class AgentKeysService implements OnModuleInit {
  private publicKeyHex!: string;
  private signatureHeaders!: AgentSignatureHeaders;

  constructor(
    private readonly store: KeyValueStore,
    private readonly box: SecretBox,
    @Inject(CAPSTAN_CONFIG) private readonly config: CapstanConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const stored = await this.store.getOrCreate(AGENT_KEY_PAIR, () => {
      const pair = generateAgentKeyPair();
      const value: StoredKeyPair = {
        publicKey: pair.publicKeyHex,
        privateKey: this.box.seal(pair.privateKeyPkcs8Der.toString('base64')),
      };
      return JSON.stringify(value);
    });
    let privateKey: Buffer;
    let parsed: StoredKeyPair;
    try {
      parsed = JSON.parse(stored) as StoredKeyPair;
      privateKey = Buffer.from(this.box.open(parsed.privateKey), 'base64');
    } catch {
      throw new Error(
        'Cannot decrypt the stored agent key: CAPSTAN_SECRET_KEY (or data/secret.key) differs from the one the database was created with',
      );
    }
    this.publicKeyHex = parsed.publicKey;
    // The signed message is a constant (no nonce, no request binding): one signature is as good as a fresh one
    // per request, and signing once keeps ECDSA off the proxy's hot path.
    this.signatureHeaders = Object.freeze({
      [AGENT_HEADERS.publicKey]: this.publicKeyHex,
      // AGENT_SECRET mode (Portainer's AGENT_SECRET on the server too): the secret is the signed message.
      [AGENT_HEADERS.signature]: signAgentMessage(
        privateKey,
        this.config.agentSecret ?? AGENT_SIGNATURE_MESSAGE,
      ),
    });
  }

  get publicKey(): string {
    return this.publicKeyHex;
  }

  headers(): AgentSignatureHeaders {
    return this.signatureHeaders;
  }
}
