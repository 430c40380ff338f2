import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, RouterLink } from '@angular/router';
import {
  LoadState,
  RegistriesApi,
  type Registry,
  type RegistryTag,
  bytesLabel,
  errorMessage,
} from '@capstan/portal-data-access';
import {
  Alert,
  CellDef,
  DataTable,
  Dialog,
  FormControlDirective,
  FormDialogActions,
  FormField,
  ListPage,
  ToastService,
  type TableColumn,
  confirmedAction,
} from '@capstan/portal-ui';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Registry browser: repositories → tags (digest, size) → manifest; delete a tag, retag. Administrators. */
@Component({
  selector: 'cap-registry-browser-page',
  imports: [
    Alert,
    CellDef,
    DataTable,
    Dialog,
    FormControlDirective,
    FormDialogActions,
    FormField,
    ListPage,
    RouterLink,
  ],
  template: `
    <cap-list-page
      [title]="'Browse ' + (registry()?.Name ?? 'registry')"
      [subtitle]="registry()?.URL ?? ''"
      [error]="state.error()"
      searchLabel="Search repositories"
      searchPlaceholder="Search repositories (press /)"
      [(query)]="query"
      (refresh)="load()"
    >
      <a listActions class="btn" routerLink="/admin/registries">All registries</a>
    </cap-list-page>

    <div class="browser">
      <nav class="repos card" aria-label="Repositories" data-testid="registry-repositories">
        <h2>Repositories</h2>
        @if (!state.loading() && repos().length === 0) {
          <p class="muted">No repositories.</p>
        }
        <ul>
          @for (repo of repos(); track repo) {
            <li>
              <button
                type="button"
                class="btn-link"
                [class.active]="repo === selected()"
                [attr.aria-current]="repo === selected() ? 'true' : null"
                [attr.data-testid]="'registry-repo-' + repo"
                (click)="select(repo)"
              >
                {{ repo }}
              </button>
            </li>
          }
        </ul>
      </nav>
      <section class="tags" aria-live="polite">
        @if (tagsError(); as message) {
          <cap-alert kind="error">{{ message }}</cap-alert>
        }
        @if (selected(); as repo) {
          <cap-data-table
            [caption]="'Tags of ' + repo"
            [columns]="columns"
            [rows]="tags()"
            [loading]="tagsLoading()"
            [rowTestId]="rowTestId"
            emptyMessage="No tags."
          >
            <ng-template capCell="Digest" [capCellOf]="tags()" let-row>
              <code class="digest" [title]="row.Digest">{{ row.Digest.slice(0, 19) }}</code>
            </ng-template>
            <ng-template capCell="Size" [capCellOf]="tags()" let-row>{{ size(row.Size) }}</ng-template>
            <ng-template capCell="actions" [capCellOf]="tags()" let-row>
              <div class="row-actions">
                <button
                  type="button"
                  class="btn-link"
                  [attr.data-testid]="'tag-manifest-' + row.Name"
                  (click)="showManifest(row)"
                >
                  Manifest
                </button>
                <button
                  type="button"
                  class="btn-link"
                  [attr.data-testid]="'tag-retag-' + row.Name"
                  (click)="openRetag(row)"
                >
                  Retag
                </button>
                <button
                  type="button"
                  class="btn-link danger"
                  [attr.data-testid]="'tag-delete-' + row.Name"
                  (click)="remove(row)"
                >
                  Delete
                </button>
              </div>
            </ng-template>
          </cap-data-table>
        } @else {
          <p class="muted">Choose a repository to see its tags.</p>
        }
      </section>
    </div>

    @if (manifest(); as m) {
      <cap-dialog [title]="'Manifest of ' + m.title" testId="manifest-dialog" (closed)="manifest.set(null)">
        <pre class="manifest" data-testid="manifest-json">{{ m.json }}</pre>
        <div dialog-actions>
          <button type="button" class="btn" data-testid="manifest-close" (click)="manifest.set(null)">
            Close
          </button>
        </div>
      </cap-dialog>
    }
    @if (retagging(); as t) {
      <cap-dialog
        [title]="'Retag ' + selected() + ':' + t.Name"
        testId="retag-dialog"
        (closed)="retagging.set(null)"
      >
        <form id="retag-form" novalidate (submit)="retag($event)">
          @if (retagError(); as message) {
            <cap-alert kind="error">{{ message }}</cap-alert>
          }
          <cap-form-field label="New tag" [required]="true" [error]="newTagError()">
            <input
              capControl
              class="input"
              name="newTag"
              autocomplete="off"
              data-testid="retag-name"
              [value]="newTag()"
              (input)="newTag.set($any($event.target).value)"
            />
          </cap-form-field>
        </form>
        <cap-form-dialog-actions
          dialog-actions
          formId="retag-form"
          testId="retag-save"
          [busy]="busy()"
          (cancelled)="retagging.set(null)"
        />
      </cap-dialog>
    }
  `,
  styles: `
    .browser {
      display: grid;
      grid-template-columns: minmax(12rem, 18rem) 1fr;
      gap: 1rem;
      align-items: start;
    }
    @media (max-width: 768px) {
      .browser {
        grid-template-columns: 1fr;
      }
    }
    .repos ul {
      list-style: none;
      margin: 0;
      padding: 0;
      max-height: 60vh;
      overflow: auto;
    }
    .repos .active {
      font-weight: 600;
      text-decoration: underline;
    }
    .digest {
      font-size: 0.85em;
    }
    .manifest {
      max-height: 60vh;
      overflow: auto;
      white-space: pre-wrap;
      word-break: break-all;
    }
    .muted {
      opacity: 0.75;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RegistryBrowserPage {
  private readonly api = inject(RegistriesApi);
  private readonly toasts = inject(ToastService);
  private readonly act = confirmedAction();
  private readonly id = Number(inject(ActivatedRoute).snapshot.paramMap.get('id'));

  protected readonly columns: TableColumn<RegistryTag>[] = [
    { key: 'Name', label: 'Tag', sortable: true },
    { key: 'Digest', label: 'Digest', secondary: true },
    { key: 'Size', label: 'Size', sortable: true, secondary: true },
    { key: 'actions', label: 'Actions' },
  ];
  protected readonly rowTestId = (t: RegistryTag): string => `tag-row-${t.Name}`;
  protected readonly size = bytesLabel;

  protected readonly registry = signal<Registry | null>(null);
  protected readonly state = new LoadState();
  protected readonly query = signal('');
  private readonly all = signal<string[]>([]);
  protected readonly repos = computed(() => {
    const q = this.query().trim().toLowerCase();
    return q ? this.all().filter((r) => r.includes(q)) : this.all();
  });
  protected readonly selected = signal<string | null>(null);
  protected readonly tags = signal<RegistryTag[]>([]);
  protected readonly tagsLoading = signal(false);
  protected readonly tagsError = signal<string | null>(null);
  protected readonly manifest = signal<{ title: string; json: string } | null>(null);
  protected readonly retagging = signal<RegistryTag | null>(null);
  protected readonly newTag = signal('');
  protected readonly retagError = signal<string | null>(null);
  protected readonly busy = signal(false);
  private readonly retagSubmitted = signal(false);
  protected readonly newTagError = computed(() =>
    this.retagSubmitted() && !TAG.test(this.newTag().trim())
      ? 'Letters, digits, _ . - (up to 128; not starting with . or -).'
      : null,
  );

  constructor() {
    void this.load();
  }

  protected load(): Promise<void> {
    return this.state.run('the repositories', async () => {
      const [registry, repos] = await Promise.all([this.api.get(this.id), this.api.repositories(this.id)]);
      this.registry.set(registry);
      this.all.set(repos);
      const current = this.selected();
      if (current) await this.loadTags(current);
    });
  }

  protected async select(repo: string): Promise<void> {
    this.selected.set(repo);
    await this.loadTags(repo);
  }

  private async loadTags(repo: string): Promise<void> {
    this.tagsLoading.set(true);
    this.tagsError.set(null);
    try {
      this.tags.set(await this.api.tags(this.id, repo));
    } catch (e) {
      this.tags.set([]);
      this.tagsError.set(`Could not list the tags of ${repo}: ${errorMessage(e)}`);
    } finally {
      this.tagsLoading.set(false);
    }
  }

  protected async showManifest(tag: RegistryTag): Promise<void> {
    const repo = this.selected();
    if (!repo) return;
    try {
      const body = await this.api.manifest(this.id, repo, tag.Name);
      this.manifest.set({ title: `${repo}:${tag.Name}`, json: JSON.stringify(body, null, 2) });
    } catch (e) {
      this.toasts.error(`Could not read the manifest: ${errorMessage(e)}`);
    }
  }

  protected openRetag(tag: RegistryTag): void {
    this.newTag.set('');
    this.retagError.set(null);
    this.retagSubmitted.set(false);
    this.retagging.set(tag);
  }

  protected async retag(event: Event): Promise<void> {
    event.preventDefault();
    const tag = this.retagging();
    const repo = this.selected();
    this.retagSubmitted.set(true);
    if (!tag || !repo || this.busy() || this.newTagError()) return;
    this.busy.set(true);
    try {
      await this.api.retag(this.id, repo, tag.Name, this.newTag().trim());
      this.toasts.success(`Tagged ${repo}:${tag.Name} as ${this.newTag().trim()}`);
      this.retagging.set(null);
      await this.loadTags(repo);
    } catch (e) {
      this.retagError.set(errorMessage(e));
    } finally {
      this.busy.set(false);
    }
  }

  protected async remove(tag: RegistryTag): Promise<void> {
    const repo = this.selected();
    if (!repo) return;
    await this.act({
      title: 'Delete tag',
      message: `Delete ${repo}:${tag.Name}? The registry deletes its manifest, so every tag on the same image goes too.`,
      confirmLabel: 'Delete',
      run: () => this.api.deleteTag(this.id, repo, tag.Name),
      done: `Deleted ${repo}:${tag.Name}`,
      then: () => this.loadTags(repo),
      failed: (error) => `Could not delete ${repo}:${tag.Name}: ${errorMessage(error)}`,
    });
  }
}
