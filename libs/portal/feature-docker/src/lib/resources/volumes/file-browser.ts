import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { Router } from '@angular/router';
import {
  AgentBrowseApi,
  type BrowseTarget,
  errorMessage,
  formatBytes,
  UploadError,
  uploadFailure,
} from '@capstan/portal-data-access';
import {
  Alert,
  ConfirmService,
  Dialog,
  FormControlDirective,
  FormDialogActions,
  FormField,
  Spinner,
  ToastService,
  formatTime,
} from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import {
  type BrowseEntry,
  breadcrumbs,
  childPath,
  nameError,
  normalisePath,
  parentPath,
  sortEntries,
} from './volume-browser';

/**
 * The agent's file browser (`/v2/browse/*` through the proxy): list with size and modification time, enter
 * directories, breadcrumb, download, upload, rename, delete. With `volume` it browses that volume's files
 * (`volumeID`); without, the host's (the agent's bind-mounted host root: the server lets administrators only).
 * The directory shown lives in the URL (`?path=`, changed with the router), the Swarm node in `node`
 * (`nodeName`). Used by the volume files page and the host page.
 */
@Component({
  selector: 'cap-file-browser',
  imports: [Alert, Dialog, FormControlDirective, FormDialogActions, FormField, Spinner],
  template: `
    <div class="toolbar">
      @if (canWrite()) {
        <label class="btn btn-primary upload" data-testid="browse-upload-label">
          {{ uploading() ? 'Uploading…' : 'Upload file' }}
          <input
            type="file"
            class="sr-only"
            data-testid="browse-upload"
            [disabled]="uploading()"
            (change)="upload($event)"
          />
        </label>
        @if (uploading(); as up) {
          <span class="progress" data-testid="browse-upload-progress" role="status">
            <progress
              max="100"
              [value]="up.percent ?? 0"
              [attr.aria-label]="'Uploading ' + up.name"
            ></progress>
            <span class="muted name">{{ up.name }}</span>
            <span class="mono amount">{{ up.percent === null ? bytes(up.sent) : up.percent + '%' }}</span>
            <button
              type="button"
              class="btn btn-ghost"
              data-testid="browse-upload-stop"
              (click)="stopUpload()"
            >
              Stop
            </button>
          </span>
        }
      }
      <button type="button" class="btn btn-ghost" data-testid="browse-refresh" (click)="load()">
        ↻ Refresh
      </button>
    </div>
    @if (error(); as message) {
      <cap-alert kind="error" testId="browse-error">{{ message }}</cap-alert>
    }

    <nav class="crumbs" aria-label="Path" data-testid="browse-crumbs">
      @for (c of crumbs(); track c.path; let last = $last) {
        @if (last) {
          <span class="mono" aria-current="page">{{ c.label }}</span>
        } @else {
          <button
            type="button"
            class="btn-link mono"
            [attr.data-testid]="'browse-crumb-' + c.path"
            (click)="open(c.path)"
          >
            {{ c.label }}
          </button>
          <span aria-hidden="true">/</span>
        }
      }
      @if (node()) {
        <span class="badge" data-testid="browse-node">node {{ node() }}</span>
      }
    </nav>

    @if (loading() && entries().length === 0) {
      <cap-spinner />
    }
    <div class="table-scroll">
      <table class="table table-top" data-testid="browse-table">
        <caption class="sr-only">
          Files in
          {{
            path()
          }}
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" class="num">Size</th>
            <th scope="col" class="secondary">Modified</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          @if (path() !== '/') {
            <tr data-testid="browse-up-row">
              <td colspan="4">
                <button type="button" class="btn-link" data-testid="browse-up" (click)="open(parent())">
                  ↑ Parent directory
                </button>
              </td>
            </tr>
          }
          @for (e of entries(); track e.Name) {
            <tr [attr.data-testid]="'browse-row-' + e.Name">
              <td class="name">
                @if (e.Dir) {
                  <button
                    type="button"
                    class="btn-link mono"
                    [attr.data-testid]="'browse-open-' + e.Name"
                    (click)="open(child(e.Name))"
                  >
                    <span aria-hidden="true">▸ </span>{{ e.Name }}/
                  </button>
                } @else {
                  <span class="mono">{{ e.Name }}</span>
                }
              </td>
              <td class="num" [attr.data-testid]="'browse-size-' + e.Name">
                {{ e.Dir ? '—' : bytes(e.Size) }}
              </td>
              <td class="secondary">{{ time(e.ModTime) }}</td>
              <td class="row-actions">
                @if (!e.Dir) {
                  <button
                    type="button"
                    class="btn-link"
                    [attr.data-testid]="'browse-download-' + e.Name"
                    (click)="download(e)"
                  >
                    Download
                  </button>
                }
                @if (canWrite()) {
                  <button
                    type="button"
                    class="btn-link"
                    [attr.data-testid]="'browse-rename-' + e.Name"
                    (click)="startRename(e)"
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    class="btn-link danger"
                    [attr.data-testid]="'browse-delete-' + e.Name"
                    (click)="remove(e)"
                  >
                    Delete
                  </button>
                }
              </td>
            </tr>
          } @empty {
            @if (!loading() && !error()) {
              <tr>
                <td colspan="4" class="muted" data-testid="browse-empty">This directory is empty.</td>
              </tr>
            }
          }
        </tbody>
      </table>
    </div>

    @if (renaming(); as entry) {
      <cap-dialog title="Rename" testId="browse-rename-dialog" (closed)="renaming.set(null)">
        <form id="browse-rename-form" novalidate (submit)="rename($event, entry)">
          <cap-form-field label="New name" [error]="renameShown()">
            <input
              capControl
              class="input mono"
              name="name"
              autocomplete="off"
              data-testid="browse-rename-name"
              [value]="newName()"
              (input)="newName.set($any($event.target).value)"
            />
          </cap-form-field>
        </form>
        <cap-form-dialog-actions
          dialog-actions
          formId="browse-rename-form"
          testId="browse-rename-save"
          label="Rename"
          busyLabel="Renaming…"
          [busy]="busy()"
          (cancelled)="renaming.set(null)"
        />
      </cap-dialog>
    }
  `,
  styles: `
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      margin: 0 0 0.75rem;
    }
    .crumbs {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.35rem;
      margin: 0 0 0.75rem;
      overflow-wrap: anywhere;
    }
    .name {
      overflow-wrap: anywhere;
    }
    .upload {
      cursor: pointer;
    }
    .upload:focus-within {
      outline: 2px solid var(--accent);
      outline-offset: 2px;
    }
    .progress {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
      min-width: 0;
      flex: 1 1 14rem;
    }
    .progress progress {
      flex: 1 1 6rem;
      height: 0.6rem;
      accent-color: var(--accent);
    }
    .progress .name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      min-width: 2rem;
    }
    .progress .amount {
      flex: none;
    }
    @media (max-width: 480px) {
      .secondary {
        display: none;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FileBrowser {
  /** The volume browsed; undefined: the host's files. */
  readonly volume = input<string | undefined>(undefined);
  /** The first crumb (the volume's name, or "host"). */
  readonly rootLabel = input.required<string>();
  /** The directory shown (from the page's `?path=`). */
  readonly path = input('/', { transform: (p: string | undefined) => normalisePath(p) });
  /** The Swarm node holding the files (`nodeName`); undefined on a standalone agent. */
  readonly node = input<string | undefined>(undefined);
  /**
   * Where `path` starts on the agent: '' for a volume (its paths are the volume's), `/host` for the host (the
   * agent browses its own file system, where the host's root is bind-mounted at /host, as Portainer's host
   * browser does). The URL and the breadcrumb stay relative to it.
   */
  readonly root = input('');
  /** Upload, rename and delete offered (the server decides again). */
  readonly canWrite = input(false);

  protected readonly ctx = inject(EnvironmentContext);
  private readonly browse = inject(AgentBrowseApi);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);
  protected readonly bytes = formatBytes;
  protected readonly time = formatTime;

  protected readonly entries = signal<BrowseEntry[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  /** The upload under way: file name, bytes sent, percent (null when the browser cannot tell). */
  protected readonly uploading = signal<{ name: string; sent: number; percent: number | null } | null>(null);
  private uploadStop: AbortController | null = null;
  protected readonly crumbs = computed(() => breadcrumbs(this.rootLabel(), this.path()));
  protected readonly parent = computed(() => parentPath(this.path()));

  protected readonly renaming = signal<BrowseEntry | null>(null);
  protected readonly newName = signal('');
  protected readonly renameSubmitted = signal(false);
  protected readonly renameShown = computed(() =>
    this.renameSubmitted() ? nameError(this.newName()) : null,
  );
  protected readonly busy = signal(false);

  constructor() {
    // Leaving the page stops an upload under way.
    inject(DestroyRef).onDestroy(() => this.uploadStop?.abort());
    // Reloads when the environment, the volume or the path changes (the path lives in the URL).
    effect(() => {
      if (!this.ctx.envId()) return;
      this.volume();
      this.path();
      this.node();
      untracked(() => void this.load());
    });
  }

  /** A browser path as the agent names it (under `root`). */
  private onAgent(path: string): string {
    const root = this.root().replace(/\/+$/, '');
    return root && path === '/' ? root : root + path;
  }

  protected child(name: string): string {
    return childPath(this.path(), name);
  }

  private query(): BrowseTarget {
    const volume = this.volume();
    return {
      ...(volume ? { volumeID: volume } : {}),
      ...(this.node() ? { nodeName: this.node() } : {}),
    };
  }

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      const list = await this.browse.list<BrowseEntry>(
        this.ctx.envId(),
        this.query(),
        this.onAgent(this.path()),
      );
      this.entries.set(sortEntries(list ?? []));
      this.error.set(null);
    } catch (error) {
      this.entries.set([]);
      this.error.set(`Could not list ${this.path()}: ${errorMessage(error)}`);
    } finally {
      this.loading.set(false);
    }
  }

  /** Another directory: through the URL, so the browser's back button and links work. */
  protected open(path: string): void {
    void this.router.navigate([], {
      queryParams: { path: normalisePath(path) === '/' ? null : normalisePath(path) },
      queryParamsHandling: 'merge',
    });
  }

  protected async download(entry: BrowseEntry): Promise<void> {
    try {
      const response = await this.browse.get(
        this.ctx.envId(),
        this.query(),
        this.onAgent(this.child(entry.Name)),
      );
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = entry.Name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.toasts.error(`Could not download ${entry.Name}: ${errorMessage(error)}`);
    }
  }

  protected async upload(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const stop = new AbortController();
    this.uploadStop = stop;
    this.uploading.set({ name: file.name, sent: 0, percent: 0 });
    try {
      const form = new FormData();
      form.append('Path', this.onAgent(this.path()));
      form.append('file', file, file.name);
      const answer = await this.browse.put(this.ctx.envId(), this.query(), form, {
        signal: stop.signal,
        onProgress: (p) =>
          this.uploading.set({
            name: file.name,
            sent: p.loaded,
            percent: p.total ? Math.min(100, Math.round((p.loaded / p.total) * 100)) : null,
          }),
      });
      const failure = uploadFailure(answer);
      if (failure) throw failure;
      this.toasts.success(`${file.name} uploaded to ${this.path()}`);
      await this.load();
    } catch (error) {
      if (error instanceof UploadError && error.aborted) this.toasts.info(`Upload of ${file.name} stopped`);
      else this.toasts.error(`Could not upload ${file.name}: ${errorMessage(error)}`);
    } finally {
      input.value = '';
      this.uploadStop = null;
      this.uploading.set(null);
    }
  }

  protected stopUpload(): void {
    this.uploadStop?.abort();
  }

  protected startRename(entry: BrowseEntry): void {
    this.newName.set(entry.Name);
    this.renameSubmitted.set(false);
    this.renaming.set(entry);
  }

  protected async rename(event: Event, entry: BrowseEntry): Promise<void> {
    event.preventDefault();
    if (this.busy()) return;
    this.renameSubmitted.set(true);
    if (this.renameShown()) return;
    const to = this.newName().trim();
    if (to === entry.Name) {
      this.renaming.set(null);
      return;
    }
    this.busy.set(true);
    try {
      await this.browse.rename(
        this.ctx.envId(),
        this.query(),
        this.onAgent(this.child(entry.Name)),
        this.onAgent(this.child(to)),
      );
      this.toasts.success(`${entry.Name} renamed to ${to}`);
      this.renaming.set(null);
      await this.load();
    } catch (error) {
      this.toasts.error(`Could not rename ${entry.Name}: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
    }
  }

  protected async remove(entry: BrowseEntry): Promise<void> {
    const ok = await this.confirm.ask({
      title: entry.Dir ? 'Delete directory' : 'Delete file',
      message: entry.Dir
        ? `Delete the directory ${this.child(entry.Name)}? Only an empty directory can be deleted.`
        : `Delete ${this.child(entry.Name)}? It cannot be recovered.`,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!ok) return;
    try {
      await this.browse.delete(this.ctx.envId(), this.query(), this.onAgent(this.child(entry.Name)));
      this.toasts.success(`${entry.Name} deleted`);
      await this.load();
    } catch (error) {
      this.toasts.error(`Could not delete ${entry.Name}: ${errorMessage(error)}`);
    }
  }
}
