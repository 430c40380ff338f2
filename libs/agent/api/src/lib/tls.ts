// @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';

import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';

import * as x509 from '@peculiar/x509';

export interface AgentTls {
  cert: string;
  key: string;
}

/**
 * A fresh self-signed certificate at every start, as Portainer's agent does (every client skips verification;
 * the request signature is the authentication). ECDSA P-256 rather than the original's RSA 2048: generated in
 * milliseconds and cheaper handshakes; Go's and Node's TLS clients accept both. Kept in memory, never written.
 */
export async function createSelfSignedTls(advertiseHost: string): Promise<AgentTls> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const now = Date.now();
  const names: { type: 'dns' | 'ip'; value: string }[] = [{ type: 'dns', value: 'localhost' }];
  if (isIP(advertiseHost) && advertiseHost !== '0.0.0.0' && advertiseHost !== '::') {
    names.push({ type: 'ip', value: advertiseHost });
  }
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: 'CN=capstan-agent',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 86_400_000),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.SubjectAlternativeNameExtension(names),
      new x509.BasicConstraintsExtension(false),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}
