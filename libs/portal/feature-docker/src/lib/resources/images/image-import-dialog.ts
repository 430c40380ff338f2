import { ChangeDetectionStrategy, Component, DestroyRef, inject, input, output, signal } from '@angular/core';
import { ImagesApi, errorMessage, formatBytes, UploadError } from '@capstan/portal-data-access';
import { Alert, Dialog } from '@capstan/portal-ui';

interface LoadLine {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  message?: string;
}

/**
 * Import images from a tar (as `docker save` writes it) with `POST /images/load`, with upload progress
 * (`ImagesApi.load`); the engine's answer (JSON lines such as
 * `{"stream":"Loaded image: a:b"}` or an error line) is shown when it ends.
 */
@Component({
  selector: 'cap-image-import-dialog',
  imports: [Alert, Dialog],
  template: `
    <cap-dialog title="Import images from a tar" testId="image-import-dialog" (closed)="close()">
      <form id="image-import-form" novalidate (submit)="upload($event)">
        <label class="label" for="image-import-file">Archive (.tar, as written by docker save)</label>
        <input
          id="image-import-file"
          class="input"
          type="file"
          accept=".tar,application/x-tar"
          data-testid="image-import-file"
          [disabled]="busy()"
          (change)="pick($any($event.target).files)"
        />
        @if (file(); as f) {
          <p class="muted">{{ f.name }} — {{ bytes(f.size) }}</p>
        }
      </form>
      @if (busy() || sent() > 0) {
        <div class="bar">
          <progress max="100" [value]="percent()" aria-label="Upload progress"></progress>
          <span class="mono">{{ percent() }}%</span>
        </div>
        @if (busy() && percent() === 100) {
          <p class="muted">Uploaded; the engine is loading the images…</p>
        }
      }
      @for (line of loaded(); track $index) {
        <p class="mono loaded" data-testid="image-import-result">{{ line }}</p>
      }
      @if (error(); as err) {
        <cap-alert kind="error">{{ err }}</cap-alert>
      }
      <div dialog-actions class="actions">
        @if (busy()) {
          <button type="button" class="btn" (click)="cancel()">Stop</button>
        } @else {
          <button type="button" class="btn" (click)="close()">
            {{ loaded().length ? 'Close' : 'Cancel' }}
          </button>
          <button
            type="submit"
            form="image-import-form"
            class="btn btn-primary"
            data-testid="image-import-submit"
            [disabled]="!file()"
          >
            Import
          </button>
        }
      </div>
    </cap-dialog>
  `,
  styles: `
    .label {
      display: block;
      font-weight: 600;
      font-size: 0.9rem;
      margin-bottom: 0.3rem;
    }
    .bar {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      margin: 0.75rem 0;
    }
    progress {
      flex: 1;
      height: 0.6rem;
      accent-color: var(--accent);
    }
    .loaded {
      margin: 0.25rem 0;
      overflow-wrap: anywhere;
    }
    .actions {
      display: contents;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ImageImportDialog {
  private readonly images = inject(ImagesApi);
  readonly envId = input.required<number>();
  readonly closed = output<void>();
  readonly imported = output<string[]>();

  protected readonly file = signal<File | null>(null);
  protected readonly busy = signal(false);
  protected readonly sent = signal(0);
  protected readonly percent = signal(0);
  protected readonly loaded = signal<string[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly bytes = formatBytes;
  private stop: AbortController | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop?.abort());
  }

  protected pick(files: FileList | null): void {
    this.file.set(files?.[0] ?? null);
    this.error.set(null);
    this.loaded.set([]);
  }

  protected async upload(event: Event): Promise<void> {
    event.preventDefault();
    const file = this.file();
    if (!file || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    this.loaded.set([]);
    this.sent.set(0);
    this.percent.set(0);
    const stop = new AbortController();
    this.stop = stop;
    try {
      const answer = await this.images.load(this.envId(), file, {
        signal: stop.signal,
        onProgress: (p) => {
          this.sent.set(p.loaded);
          if (p.total) this.percent.set(Math.round((p.loaded / p.total) * 100));
        },
      });
      this.percent.set(100);
      this.finish(answer.status, answer.text);
    } catch (e) {
      this.fail(e instanceof UploadError && e.aborted ? 'Import stopped.' : `${errorMessage(e)}.`);
    } finally {
      this.stop = null;
    }
  }

  /** Reads the engine's answer: JSON lines on success, `{message}` on an error status. */
  private finish(status: number, text: string): void {
    this.busy.set(false);
    const lines = parseLines(text);
    const failure =
      status >= 400
        ? (lines[0]?.message ?? (text.slice(0, 300) || `HTTP ${status}`))
        : lines.map((l) => l.errorDetail?.message ?? l.error).find(Boolean);
    if (failure) {
      this.error.set(`Could not import: ${failure}`);
      return;
    }
    const loaded = lines.map((l) => (l.stream ?? l.status ?? '').trim()).filter(Boolean);
    this.loaded.set(loaded.length ? loaded : ['Imported.']);
    this.imported.emit(loaded);
  }

  private fail(message: string): void {
    this.busy.set(false);
    this.error.set(message);
  }

  protected cancel(): void {
    this.stop?.abort();
  }

  protected close(): void {
    this.stop?.abort();
    this.closed.emit();
  }
}

function parseLines(text: string): LoadLine[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      try {
        return JSON.parse(l) as LoadLine;
      } catch {
        return { stream: l };
      }
    });
}
