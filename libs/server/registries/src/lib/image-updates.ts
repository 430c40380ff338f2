import { Injectable } from '@nestjs/common';
import { ClockPort } from '@capstan/server-core';
import { DOCKER_HUB_ADDRESS, splitImageHost } from './registry-types';
import { RegistryBrowser, type BrowseTarget } from './registry-browser';

/** Portainer's image statuses: the local image is the registry's current one, an older one, or we cannot tell. */
export type UpdateStatus = 'updated' | 'outdated' | 'unknown';

export interface ImageReference {
  /** Registry host as Docker names it (`docker.io` for Docker Hub). */
  registry: string;
  /** Repository inside the registry (`library/nginx` on Docker Hub). */
  repository: string;
  tag: string;
}

/** Where a stored registry (or none: anonymous) serves a host. */
export abstract class RegistryTargets {
  abstract forHost(host: string): Promise<BrowseTarget>;
}

/** How long a registry's digest for an image:tag is trusted. */
export const DIGEST_TTL_MS = 60_000;
/** Registry requests in flight at once, across every caller. */
export const MAX_CONCURRENT_LOOKUPS = 8;

/** `image` as Docker resolves it; undefined for digest-pinned or malformed references (never "outdated"). */
export function parseReference(image: string): ImageReference | undefined {
  if (image.includes('@') || image.startsWith('sha256:') || image.length > 512) return undefined;
  const split = splitImageHost(image);
  const registry = split.host;
  let rest = split.rest;
  const colon = rest.lastIndexOf(':');
  let tag = 'latest';
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (!rest || !/^[a-z0-9._/-]+$/.test(rest) || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag))
    return undefined;
  const repository = registry === DOCKER_HUB_ADDRESS && !rest.includes('/') ? `library/${rest}` : rest;
  return { registry, repository, tag };
}

/** The digests a local image's RepoDigests give for a reference's repository. */
export function localDigests(ref: ImageReference, repoDigests: readonly string[]): string[] {
  const names = new Set([`${ref.registry}/${ref.repository}`]);
  if (ref.registry === DOCKER_HUB_ADDRESS) {
    names.add(ref.repository);
    names.add(ref.repository.replace(/^library\//, ''));
  }
  return repoDigests.flatMap((d) => {
    const at = d.indexOf('@');
    return at > 0 && names.has(d.slice(0, at)) ? [d.slice(at + 1)] : [];
  });
}

/**
 * Image update detection: the local image's repository digest against the registry's current manifest digest
 * (one HEAD request per distinct image:tag, cached for `DIGEST_TTL_MS`, joined while in flight, at most
 * `MAX_CONCURRENT_LOOKUPS` at a time), so a list of 1,000 containers over 20 images costs 20 requests.
 */
@Injectable()
export class ImageUpdateChecker {
  private readonly cache = new Map<string, { digest: string | undefined; error?: string; until: number }>();
  private readonly inflight = new Map<string, Promise<{ digest: string | undefined; error?: string }>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly targets: RegistryTargets,
    private readonly browser: RegistryBrowser,
    private readonly clock: ClockPort,
  ) {}

  /** Statuses of containers (`Image` as created, `ImageID`), given the environment's images (`Id`, `RepoDigests`). */
  async statuses(
    containers: readonly { Id: string; Image: string; ImageID: string }[],
    images: readonly { Id: string; RepoDigests?: string[] | null }[],
  ): Promise<Record<string, { Status: UpdateStatus; Message: string }>> {
    const digestsOf = new Map(images.map((i) => [i.Id, i.RepoDigests ?? []]));
    const refs = new Map<string, ImageReference>();
    for (const c of containers) {
      const ref = parseReference(c.Image);
      if (ref) refs.set(keyOf(ref), ref);
    }
    const remote = new Map<string, { digest: string | undefined; error?: string }>();
    await Promise.all([...refs].map(async ([k, ref]) => remote.set(k, await this.remoteDigest(ref))));
    const out: Record<string, { Status: UpdateStatus; Message: string }> = {};
    for (const c of containers) {
      const ref = parseReference(c.Image);
      if (!ref) {
        out[c.Id] = { Status: 'unknown', Message: 'Pinned by digest or not a registry image' };
        continue;
      }
      const answer = remote.get(keyOf(ref));
      const local = localDigests(ref, digestsOf.get(c.ImageID) ?? []);
      if (!answer?.digest) out[c.Id] = { Status: 'unknown', Message: answer?.error ?? 'Not in the registry' };
      else if (local.length === 0)
        out[c.Id] = { Status: 'unknown', Message: 'The local image has no registry digest' };
      else if (local.includes(answer.digest)) out[c.Id] = { Status: 'updated', Message: '' };
      else out[c.Id] = { Status: 'outdated', Message: `The registry has ${answer.digest}` };
    }
    return out;
  }

  /**
   * Statuses of Swarm services: the image a service runs is pinned by digest (`repo:tag@sha256:…`, as Docker
   * resolves it at create/update); that digest against the registry's current one for `repo:tag`.
   */
  async serviceStatuses(
    services: readonly { ID: string; Spec?: { TaskTemplate?: { ContainerSpec?: { Image?: string } } } }[],
  ): Promise<Record<string, { Status: UpdateStatus; Message: string }>> {
    const pinned = services.map((s) => {
      const image = s.Spec?.TaskTemplate?.ContainerSpec?.Image ?? '';
      const at = image.indexOf('@');
      return {
        id: s.ID,
        ref: parseReference(at < 0 ? image : image.slice(0, at)),
        digest: at < 0 ? '' : image.slice(at + 1),
      };
    });
    const remote = new Map<string, { digest: string | undefined; error?: string }>();
    await Promise.all(
      pinned.map(async ({ ref }) => {
        if (ref && !remote.has(keyOf(ref))) remote.set(keyOf(ref), await this.remoteDigest(ref));
      }),
    );
    const out: Record<string, { Status: UpdateStatus; Message: string }> = {};
    for (const { id, ref, digest } of pinned) {
      const answer = ref ? remote.get(keyOf(ref)) : undefined;
      if (!ref) out[id] = { Status: 'unknown', Message: 'Not a registry image' };
      else if (!answer?.digest)
        out[id] = { Status: 'unknown', Message: answer?.error ?? 'Not in the registry' };
      else if (!digest) out[id] = { Status: 'unknown', Message: 'The service image is not pinned by digest' };
      else if (digest === answer.digest) out[id] = { Status: 'updated', Message: '' };
      else out[id] = { Status: 'outdated', Message: `The registry has ${answer.digest}` };
    }
    return out;
  }

  /** The registry's digest for `ref`, from the cache, a request in flight, or one HEAD request. */
  remoteDigest(ref: ImageReference): Promise<{ digest: string | undefined; error?: string }> {
    const key = keyOf(ref);
    const hit = this.cache.get(key);
    if (hit && hit.until > this.clock.now()) return Promise.resolve(hit);
    const running = this.inflight.get(key);
    if (running) return running;
    const lookup = this.bounded(async () => {
      try {
        const target = await this.targets.forHost(ref.registry);
        return { digest: await this.browser.headDigest(target, ref.repository, ref.tag) };
      } catch (e) {
        return { digest: undefined, error: e instanceof Error ? e.message : String(e) };
      }
    }).then((result) => {
      this.cache.set(key, { ...result, until: this.clock.now() + DIGEST_TTL_MS });
      this.inflight.delete(key);
      return result;
    });
    this.inflight.set(key, lookup);
    return lookup;
  }

  /** Forgets a cached digest (after a pull or recreate the caller knows it changed). */
  forget(image: string): void {
    const ref = parseReference(image);
    if (ref) this.cache.delete(keyOf(ref));
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= MAX_CONCURRENT_LOOKUPS) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

function keyOf(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}:${ref.tag}`;
}

/**
 * A stack's status from its containers' and services' (compose project / Swarm stack labels): outdated when any
 * is, updated when all are, unknown otherwise.
 */
export function stackStatuses(
  members: readonly { stack: string | undefined; status: UpdateStatus | undefined }[],
): Record<string, { Status: UpdateStatus; Message: string }> {
  const byStack = new Map<string, (UpdateStatus | undefined)[]>();
  for (const m of members) if (m.stack) byStack.set(m.stack, [...(byStack.get(m.stack) ?? []), m.status]);
  const out: Record<string, { Status: UpdateStatus; Message: string }> = {};
  for (const [stack, statuses] of byStack) {
    const outdated = statuses.filter((s) => s === 'outdated').length;
    if (outdated > 0)
      out[stack] = { Status: 'outdated', Message: `${outdated} of ${statuses.length} out of date` };
    else if (statuses.every((s) => s === 'updated')) out[stack] = { Status: 'updated', Message: '' };
    else out[stack] = { Status: 'unknown', Message: 'Some images could not be checked' };
  }
  return out;
}
