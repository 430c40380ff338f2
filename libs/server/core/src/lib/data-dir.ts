import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CapstanConfig } from './config/capstan-config';

/** Creates the data dir (0700) and returns the secret-at-rest key: configured, or a generated 0600 key file. */
export function prepareDataDir(config: CapstanConfig): string {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (config.secretKey) return config.secretKey;
  const file = join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}
