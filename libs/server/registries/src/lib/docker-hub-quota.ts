import { Injectable } from '@nestjs/common';
import { BadRequestError } from '@capstan/server-core';
import { RegistryApiPort, RegistryUnreachable } from './registry-api';
import type { BrowseTarget } from './registry-browser';

/** Docker Hub's pull quota for an account (Portainer's `{Remaining, Limit}`); -1 when Hub sends no limit. */
export interface PullQuota {
  Remaining: number;
  Limit: number;
}

/** Docker's documented probe: a HEAD on this manifest does not count as a pull and carries the quota headers. */
const PROBE = '/v2/ratelimitpreview/test/manifests/latest';

/** `76;w=21600` → 76; absent → -1. */
function quotaValue(header: string | null): number {
  const n = header ? Number(header.split(';')[0]) : NaN;
  return Number.isFinite(n) ? n : -1;
}

@Injectable()
export class DockerHubQuota {
  constructor(private readonly api: RegistryApiPort) {}

  async quota(target: BrowseTarget): Promise<PullQuota> {
    let r;
    try {
      r = await this.api.request('registry-1.docker.io', target.credentials, 'HEAD', PROBE);
    } catch (e) {
      if (e instanceof RegistryUnreachable)
        throw new BadRequestError(`Registry "${target.name}" cannot be reached`, e.message);
      throw e;
    }
    if (r.status === 401)
      throw new BadRequestError(
        `Registry "${target.name}" refused the credentials`,
        `${r.status} ${r.statusText}`,
      );
    return {
      Remaining: quotaValue(r.headers.get('ratelimit-remaining')),
      Limit: quotaValue(r.headers.get('ratelimit-limit')),
    };
  }
}
