import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

import * as all from './index';
import * as wire from './wire';

/** Every module a file imports, followed through relative imports; the bare specifiers it reaches. */
function bareImports(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'/g)].map((m) => m[1]);
  return specs.flatMap((s) =>
    s.startsWith('.') ? bareImports(resolve(dirname(file), `${s}.ts`), seen) : [s],
  );
}

describe('@capstan/contracts-agent/wire', () => {
  it('is the whole contract but the signature scheme and the edge codecs and tunnel', () => {
    const signature = [
      'AGENT_SIGNATURE_MESSAGE',
      'generateAgentKeyPair',
      'agentPublicKeyHex',
      'signAgentMessage',
      'verifyAgentSignature',
      'parseAgentPublicKey',
      // The edge codecs and the tunnel (node:crypto, ssh2).
      'encodeEdgeKey',
      'decodeEdgeKey',
      'EdgeKeyError',
      'encryptTunnelCredentials',
      'decryptTunnelCredentials',
      'fnv1a32Hex',
      'chiselFingerprint',
      'ChiselServer',
      'openChiselTunnel',
      'generateTunnelHostKey',
      'tunnelHostKey',
      // JSON Patch of async snapshots (the fast-json-patch package).
      'applyJsonPatch',
      'diffJson',
      'JsonPatchError',
    ];
    for (const name of signature) {
      expect(name in all, name).toBe(true);
      expect(name in wire, name).toBe(false);
    }
    const rest = Object.keys(all).filter((k) => !signature.includes(k));
    expect(Object.keys(wire).sort()).toEqual(rest.sort());
    expect(wire.UNREACHABLE_NODES_HEADER).toBe(wire.CLUSTER_HEADERS.unreachable);
  });

  it('imports nothing a browser lacks (no node: modules, no packages)', () => {
    expect(bareImports(resolve(__dirname, 'wire.ts'))).toEqual([]);
    // The full entry does: the reason this one exists.
    expect(bareImports(resolve(__dirname, 'index.ts'))).toContain('node:crypto');
  });
});
