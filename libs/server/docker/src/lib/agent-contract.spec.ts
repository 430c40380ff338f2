/**
 * Server side of the agent contract: the JSON fixtures of @capstan/contracts-agent (read here, never copied) against
 * what the server signs, sends, reads and calls.
 */
import { verify as cryptoVerify, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AGENT_HEADERS,
  CLUSTER_HEADERS,
  verifyAgentSignature,
  type AgentPrefix,
  type AgentRouteName,
} from '@capstan/contracts-agent';
import { SecretBox, type CapstanConfig, type KeyValueStore } from '@capstan/server-core';
import {
  AgentKeysService,
  SERVER_OWNED_AGENT_HEADERS,
  agentCall,
  agentHeaders,
} from '@capstan/server-environments';
import { classify } from './proxy-policy';

const FIXTURES = join(__dirname, '../../../../contracts/agent/fixtures');
const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;

interface SignatureFixture {
  message: string;
  publicKeyHex: string;
  privateKeyPkcs8Base64: string;
  validSignature: string;
  invalid: { padded: string; truncated: string; otherMessage: string };
}
interface HeadersFixture {
  names: Record<string, string>;
  cluster: Record<string, string>;
}
interface RouteFixture {
  name: AgentRouteName;
  method: string;
  path: string;
  prefixes: AgentPrefix[];
  signed: boolean;
}

const signature = fixture<SignatureFixture>('signature.json');
const headers = fixture<HeadersFixture>('headers.json');
const routes = fixture<RouteFixture[]>('routes.json');

/** The server's key service on a store that holds the fixture's key pair (sealed as the server stores it). */
async function keysWithFixturePair(agentSecret?: string): Promise<AgentKeysService> {
  const box = new SecretBox('contract-test-secret');
  const stored = JSON.stringify({
    publicKey: signature.publicKeyHex,
    privateKey: box.seal(signature.privateKeyPkcs8Base64),
  });
  const store = { getOrCreate: () => Promise.resolve(stored) } as unknown as KeyValueStore;
  const keys = new AgentKeysService(store, box, { agentSecret } as unknown as CapstanConfig);
  await keys.onModuleInit();
  return keys;
}

/** ECDSA P-256 over MD5, r‖s base64 without padding: checked with node:crypto alone, independently of the lib. */
function nodeVerifies(publicKeyHex: string, sig: string, message: string): boolean {
  const key = createPublicKey({ key: Buffer.from(publicKeyHex, 'hex'), format: 'der', type: 'spki' });
  const raw = Buffer.from(sig, 'base64');
  if (raw.length !== 64 || raw.toString('base64').replace(/=+$/, '') !== sig) return false;
  return cryptoVerify('md5', Buffer.from(message, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, raw);
}

describe('agent contract (server side): signatures', () => {
  it('the fixture vector verifies with the contract the server signs for, and with node:crypto', () => {
    expect(verifyAgentSignature(signature.publicKeyHex, signature.validSignature, signature.message)).toBe(
      true,
    );
    expect(nodeVerifies(signature.publicKeyHex, signature.validSignature, signature.message)).toBe(true);
    for (const bad of [signature.invalid.padded, signature.invalid.truncated]) {
      expect(verifyAgentSignature(signature.publicKeyHex, bad, signature.message)).toBe(false);
      expect(nodeVerifies(signature.publicKeyHex, bad, signature.message)).toBe(false);
    }
    expect(
      verifyAgentSignature(signature.publicKeyHex, signature.validSignature, signature.invalid.otherMessage),
    ).toBe(false);
  });

  it("AgentKeysService's headers carry the stored key and a signature of the protocol message that verifies", async () => {
    const keys = await keysWithFixturePair();
    const sent = keys.headers();
    expect(Object.keys(sent).sort()).toEqual([headers.names['publicKey'], headers.names['signature']].sort());
    expect(sent[headers.names['publicKey']]).toBe(signature.publicKeyHex);
    const sig = sent[headers.names['signature']];
    expect(verifyAgentSignature(signature.publicKeyHex, sig, signature.message)).toBe(true);
    expect(nodeVerifies(signature.publicKeyHex, sig, signature.message)).toBe(true);
    expect(verifyAgentSignature(signature.publicKeyHex, sig, signature.invalid.otherMessage)).toBe(false);
  });

  it('in AGENT_SECRET mode the server signs the secret instead of the protocol message', async () => {
    const keys = await keysWithFixturePair('s3cret-shared');
    const sig = keys.headers()[headers.names['signature']];
    expect(verifyAgentSignature(signature.publicKeyHex, sig, 's3cret-shared')).toBe(true);
    expect(verifyAgentSignature(signature.publicKeyHex, sig, signature.message)).toBe(false);
  });
});

describe('agent contract (server side): headers', () => {
  it('the headers the server sends to an agent are named as headers.json names them', async () => {
    const keys = await keysWithFixturePair();
    const sent = agentHeaders({ headers: keys.headers(), target: 'node2', browseHost: true });
    expect(Object.keys(sent).sort()).toEqual(
      ['publicKey', 'signature', 'target', 'browseHost'].map((k) => headers.names[k]).sort(),
    );
    expect(sent[headers.names['target']]).toBe('node2');
    expect(sent[headers.names['browseHost']]).toBe('1');
  });

  it("the engine client drops a caller's own signature, target and host-browse headers (lower-cased as Node reads them)", () => {
    for (const k of ['publicKey', 'signature', 'target', 'browseHost'])
      expect(SERVER_OWNED_AGENT_HEADERS.has(headers.names[k].toLowerCase()), k).toBe(true);
  });

  it('the constants the server reads equal the fixture', () => {
    expect(AGENT_HEADERS).toEqual(headers.names);
    expect(CLUSTER_HEADERS).toEqual(headers.cluster);
  });
});

describe('agent contract (server side): routes', () => {
  it('the server calls every route by the method and path routes.json gives (ping, dockerhub…)', () => {
    for (const route of routes) {
      for (const prefix of route.prefixes)
        expect(agentCall(route.name, prefix)).toEqual({ method: route.method, path: prefix + route.path });
    }
    const ping = routes.find((r) => r.name === 'ping');
    expect(ping?.signed).toBe(false);
    expect(agentCall('ping')).toEqual({ method: ping?.method, path: ping?.path });
    // A prefix the route does not have is refused rather than sent to Docker.
    expect(() => agentCall('dockerHub', '')).toThrow(/no bare form/);
  });

  it('the proxy classifies every browse route of routes.json, in every prefix, as the volume browser', () => {
    const browse = routes.filter((r) => r.name.startsWith('browse'));
    expect(browse.length).toBe(5);
    for (const route of browse) {
      for (const prefix of route.prefixes) {
        const q = new URLSearchParams('volumeID=data&path=/');
        expect(
          classify(route.method, prefix + route.path, q),
          `${route.method} ${prefix}${route.path}`,
        ).toEqual({
          kind: 'browse',
          volumeId: 'data',
          write: route.method !== 'GET',
        });
        expect(classify(route.method, prefix + route.path).kind).toBe('browse');
      }
    }
    const hub = routes.find((r) => r.name === 'dockerHub');
    expect(hub).toBeDefined();
    for (const prefix of hub?.prefixes ?? [])
      expect(classify(hub?.method ?? '', prefix + (hub?.path ?? ''))).toEqual({ kind: 'dockerhub' });
  });
});
