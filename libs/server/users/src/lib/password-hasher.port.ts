import { hash, verify } from '@node-rs/argon2';

/** Password hashing as a port: unit tests swap in a fast fake. */
export abstract class PasswordHasher {
  abstract hash(plain: string): Promise<string>;
  abstract verify(hash: string, plain: string): Promise<boolean>;
}

/**
 * Argon2id (salted, memory-hard; runs on libuv's thread pool, so it does not block the event loop).
 * Parameters: OWASP's minimum recommendation (19 MiB, 2 passes).
 */
export class Argon2PasswordHasher extends PasswordHasher {
  async hash(plain: string): Promise<string> {
    return hash(plain, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
  }

  async verify(stored: string, plain: string): Promise<boolean> {
    try {
      return await verify(stored, plain);
    } catch {
      return false;
    }
  }
}
