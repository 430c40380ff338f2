import { Injectable } from '@nestjs/common';
import { BadRequestError, NotFoundError } from '@capstan/server-core';
import {
  RegistryApiPort,
  RegistryUnreachable,
  registryErrorWords,
  type RegistryCredentials,
} from './registry-api';

/** Docker's repository name grammar (lower-case path components separated by `/`). */
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-f0-9]{32,}$/;
/** Every manifest kind a registry may store (Docker v2, OCI, lists and indexes). */
export const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];
const QUERY_KEYS = new Set(['n', 'last']);

/** A stored registry as the browser needs it: where, and who to sign in as. */
export interface BrowseTarget {
  name: string;
  address: string;
  credentials: RegistryCredentials;
}

export interface TagInfo {
  Name: string;
  Digest: string;
  /** Bytes of config + layers (a list or index: the sum over its manifests is not fetched; 0). */
  Size: number;
  MediaType: string;
}

/**
 * Browsing a stored registry (`/api/registries/{id}/v2/*` and its helpers): only the registry API's read routes
 * and manifest deletion are passed on, with the registry's stored credentials; paths are checked component by
 * component (no `..`, no escapes), so nothing but `/v2/_catalog`, `/v2/<repo>/tags/list` and
 * `/v2/<repo>/manifests/<ref>` reaches the registry.
 */
@Injectable()
export class RegistryBrowser {
  constructor(private readonly api: RegistryApiPort) {}

  /** Checks a raw `/v2/…` path (as the client sent it, still escaped) and its query. */
  static checkPath(rawPath: string, method: string): { path: string; query: string } {
    const [path = '', query = ''] = rawPath.split('?', 2);
    if (path.includes('%') || path.includes('\\') || path.split('/').some((s) => s === '.' || s === '..'))
      throw new BadRequestError('Invalid registry path', 'Escapes and dot segments are refused');
    const params = new URLSearchParams(query);
    for (const k of params.keys())
      if (!QUERY_KEYS.has(k))
        throw new BadRequestError('Invalid registry path', `Unknown query parameter "${k}"`);
    if (path === '/v2/' || path === '/v2') return { path: '/v2/', query: '' };
    if (path === '/v2/_catalog') return { path, query: params.toString() };
    const m = /^\/v2\/(.+)\/(tags\/list|manifests\/([^/]+))$/.exec(path);
    if (!m || !REPOSITORY.test(m[1] ?? '') || (m[3] !== undefined && !TAG.test(m[3]) && !DIGEST.test(m[3])))
      throw new BadRequestError(
        'Invalid registry path',
        'Only /v2/_catalog, /v2/<repository>/tags/list and /v2/<repository>/manifests/<reference>',
      );
    if (method === 'DELETE' && m[3] === undefined)
      throw new BadRequestError('Invalid registry path', 'Only manifests can be deleted');
    return { path, query: params.toString() };
  }

  /** A checked `/v2/…` call passed on with the stored credentials: the registry's status, type, digest, body. */
  async pass(
    target: BrowseTarget,
    method: 'GET' | 'HEAD' | 'DELETE',
    rawPath: string,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const { path, query } = RegistryBrowser.checkPath(rawPath, method);
    const r = await this.call(target, method, path + (query ? `?${query}` : ''));
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'docker-content-digest', 'link'])
      if (r.headers.get(h)) headers[h] = r.headers.get(h) ?? '';
    return { status: r.status, headers, body: r.body };
  }

  async repositories(target: BrowseTarget): Promise<string[]> {
    const r = await this.json<{ repositories?: string[] }>(target, '/v2/_catalog?n=1000');
    return r.repositories ?? [];
  }

  /** Tags of a repository, each with its manifest digest and size. */
  async tags(target: BrowseTarget, repository: string): Promise<TagInfo[]> {
    checkRepository(repository);
    const list = await this.json<{ tags?: string[] | null }>(target, `/v2/${repository}/tags/list`);
    const out: TagInfo[] = [];
    for (const tag of list.tags ?? []) {
      const m = await this.manifest(target, repository, tag);
      out.push({ Name: tag, Digest: m.digest, Size: m.size, MediaType: m.mediaType });
    }
    return out;
  }

  /** Deletes a tag's manifest (by its digest, as the registry API wants; every tag on that digest goes). */
  async deleteTag(target: BrowseTarget, repository: string, tag: string): Promise<void> {
    const m = await this.manifest(target, repository, tag);
    const r = await this.call(target, 'DELETE', `/v2/${repository}/manifests/${m.digest}`);
    if (r.status !== 202 && r.status !== 200)
      throw new BadRequestError(
        `Registry "${target.name}" refused to delete ${repository}:${tag}`,
        `${r.status} ${registryErrorWords(r.body.toString('utf8'))}`,
      );
  }

  /** Puts a tag's manifest under another tag of the same repository. */
  async retag(target: BrowseTarget, repository: string, tag: string, newTag: string): Promise<TagInfo> {
    if (!TAG.test(newTag)) throw new BadRequestError('Invalid tag', `"${newTag}" is not a Docker tag`);
    const m = await this.manifest(target, repository, tag);
    const r = await this.call(target, 'PUT', `/v2/${repository}/manifests/${newTag}`, {
      body: m.raw,
      contentType: m.mediaType,
    });
    if (r.status !== 201 && r.status !== 200)
      throw new BadRequestError(
        `Registry "${target.name}" refused the new tag ${repository}:${newTag}`,
        `${r.status} ${registryErrorWords(r.body.toString('utf8'))}`,
      );
    return { Name: newTag, Digest: m.digest, Size: m.size, MediaType: m.mediaType };
  }

  /** The current digest of `repository:tag` (a HEAD request), or undefined when the tag does not exist. */
  async headDigest(target: BrowseTarget, repository: string, tag: string): Promise<string | undefined> {
    const r = await this.call(target, 'HEAD', `/v2/${repository}/manifests/${tag}`);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw this.refusal(target, r.status, r.body);
    return r.headers.get('docker-content-digest') ?? undefined;
  }

  private async manifest(
    target: BrowseTarget,
    repository: string,
    tag: string,
  ): Promise<{ digest: string; size: number; mediaType: string; raw: Buffer }> {
    checkRepository(repository);
    if (!TAG.test(tag) && !DIGEST.test(tag))
      throw new BadRequestError('Invalid tag', `"${tag}" is not a Docker tag`);
    const r = await this.call(target, 'GET', `/v2/${repository}/manifests/${tag}`);
    if (r.status === 404)
      throw new NotFoundError('No such tag', `${repository}:${tag} is not in registry "${target.name}"`);
    if (r.status !== 200) throw this.refusal(target, r.status, r.body);
    const body = JSON.parse(r.body.toString('utf8')) as {
      mediaType?: string;
      config?: { size?: number };
      layers?: { size?: number }[];
    };
    const mediaType = r.headers.get('content-type') ?? body.mediaType ?? MANIFEST_TYPES[0];
    const size = (body.config?.size ?? 0) + (body.layers ?? []).reduce((a, l) => a + (l.size ?? 0), 0);
    return { digest: r.headers.get('docker-content-digest') ?? '', size, mediaType, raw: r.body };
  }

  private async json<T>(target: BrowseTarget, path: string): Promise<T> {
    const r = await this.call(target, 'GET', path);
    if (r.status !== 200) throw this.refusal(target, r.status, r.body);
    return JSON.parse(r.body.toString('utf8')) as T;
  }

  private async call(
    target: BrowseTarget,
    method: 'GET' | 'HEAD' | 'DELETE' | 'PUT',
    path: string,
    extra: { body?: Buffer; contentType?: string } = {},
  ) {
    try {
      return await this.api.request(target.address, target.credentials, method, path, {
        accept: MANIFEST_TYPES,
        ...extra,
      });
    } catch (e) {
      if (e instanceof RegistryUnreachable)
        throw new BadRequestError(`Registry "${target.name}" cannot be reached`, e.message);
      throw e;
    }
  }

  private refusal(target: BrowseTarget, status: number, body: Buffer): Error {
    return new BadRequestError(
      `Registry "${target.name}" answered ${status}`,
      registryErrorWords(body.toString('utf8')),
    );
  }
}

function checkRepository(repository: string): void {
  if (!REPOSITORY.test(repository) || repository.length > 255)
    throw new BadRequestError('Invalid repository', `"${repository.slice(0, 100)}" is not a repository name`);
}
