import { Injectable } from '@nestjs/common';
import { BadGatewayError, BadRequestError, ClockPort, NotFoundError } from '@capstan/server-core';
import { GitService, checkRepositoryPath, checkRepositoryUrl } from '@capstan/server-git';
import { SettingsService } from '@capstan/server-settings';
import { parseTemplateFile, type AppTemplateFile } from './app-template.model';
import { defaultTemplates } from './default-templates';

/** A template file is a few hundred KB at most (Portainer's own is ~150 KB). */
export const MAX_TEMPLATE_FILE_BYTES = 5 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;
/** The same URL is fetched again after this (the portal lists templates on every visit). */
const CACHE_MS = 60_000;

/** How the template file is read from a URL: a port, so unit tests need no server. */
export abstract class TemplateSourcePort {
  abstract fetch(url: string, maxBytes: number, timeoutMs: number): Promise<unknown>;
}

/** `fetch` with a deadline and a size cap (the body is read in chunks and dropped once over the cap). */
@Injectable()
export class HttpTemplateSource extends TemplateSourcePort {
  async fetch(url: string, maxBytes: number, timeoutMs: number): Promise<unknown> {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
      redirect: 'follow',
    });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('empty answer');
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new Error(`the file is larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    } catch {
      throw new Error('the file is not JSON');
    }
  }
}

/**
 * App templates (Portainer's `GET /api/templates`): the v3 file at the `TemplatesURL` setting, or — when the
 * setting is empty — the file shipped with Capstan, which needs no network.
 */
@Injectable()
export class AppTemplatesService {
  private cached: { url: string; at: number; file: AppTemplateFile } | undefined;

  constructor(
    private readonly settings: SettingsService,
    private readonly source: TemplateSourcePort,
    private readonly clock: ClockPort,
    private readonly git: GitService,
  ) {}

  /**
   * `POST /api/templates/{id}/file`: a stack template's file — read from its repository (`repository.url`,
   * `repository.stackfile`, the default branch) like Portainer's clone, or Capstan's inline `stackFileContent`.
   */
  async file(id: number): Promise<{ FileContent: string }> {
    const t = (await this.list()).templates.find((x) => x.id === id);
    if (!t)
      throw new NotFoundError('Unable to find a template with the specified identifier', `No template ${id}`);
    if (typeof t.stackFileContent === 'string') return { FileContent: t.stackFileContent };
    if (!t.repository)
      throw new BadRequestError('The template has no stack file', 'Container templates have no file');
    return this.repositoryFile(t.repository.url, t.repository.stackfile);
  }

  /** `POST /api/templates/file` (the older form): `{RepositoryURL, ComposeFilePathInRepository}`. */
  async repositoryFile(url: unknown, path: unknown): Promise<{ FileContent: string }> {
    const file = await this.git.readFileAt({ url: checkRepositoryUrl(url) }, '', checkRepositoryPath(path));
    return { FileContent: file.content };
  }

  async list(): Promise<AppTemplateFile> {
    const url = (await this.settings.get()).TemplatesURL.trim();
    if (url === '') return defaultTemplates();
    const now = this.clock.now();
    if (this.cached && this.cached.url === url && now - this.cached.at < CACHE_MS) return this.cached.file;
    let raw: unknown;
    try {
      raw = await this.source.fetch(url, MAX_TEMPLATE_FILE_BYTES, FETCH_TIMEOUT_MS);
    } catch (e) {
      throw new BadGatewayError(
        'Unable to retrieve the templates',
        `${url}: ${e instanceof Error ? (e.name === 'TimeoutError' ? 'no answer within 10 s' : e.message) : String(e)}`,
      );
    }
    const file = parseTemplateFile(raw);
    if (typeof file === 'string')
      throw new BadGatewayError('The templates file is not a valid v3 template file', `${url}: ${file}`);
    this.cached = { url, at: now, file };
    return file;
  }
}
