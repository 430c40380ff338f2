import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { type EnvironmentTag, EnvironmentsApi, errorMessage } from '@capstan/portal-data-access';

/** Tags as toggles, plus "create a tag" inline (it is selected once created). */
@Component({
  selector: 'cap-tag-picker',
  template: `
    <fieldset>
      <legend>Tags</legend>
      <div class="tags">
        @for (tag of tags(); track tag.ID) {
          <label class="tag" [class.on]="selected().includes(tag.ID)">
            <input
              type="checkbox"
              [attr.data-testid]="'tag-option-' + tag.Name"
              [checked]="selected().includes(tag.ID)"
              (change)="toggle(tag.ID, $any($event.target).checked)"
            />
            {{ tag.Name }}
          </label>
        } @empty {
          <span class="muted">No tag yet.</span>
        }
      </div>
      <div class="create">
        <label>
          <span class="sr-only">New tag</span>
          <input
            class="input"
            placeholder="New tag"
            data-testid="tag-new"
            [value]="newName()"
            (input)="newName.set($any($event.target).value)"
            (keydown.enter)="$event.preventDefault(); create()"
          />
        </label>
        <button
          type="button"
          class="btn btn-sm"
          data-testid="tag-new-add"
          [disabled]="creating() || !newName().trim()"
          (click)="create()"
        >
          + Create tag
        </button>
      </div>
      @if (error(); as message) {
        <p class="error" role="alert">{{ message }}</p>
      }
    </fieldset>
  `,
  styles: `
    fieldset {
      border: 0;
      padding: 0;
      margin: 0 0 1rem;
    }
    legend {
      font-weight: 600;
      font-size: 0.9rem;
      margin-bottom: 0.3rem;
    }
    .tags {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
      margin-bottom: 0.5rem;
    }
    .tag {
      display: inline-flex;
      gap: 0.3rem;
      align-items: center;
      padding: 0.15rem 0.6rem;
      border: 1px solid var(--border);
      border-radius: 999px;
      font-size: 0.88rem;
      cursor: pointer;
    }
    .tag.on {
      background: var(--accent-soft);
      border-color: var(--accent);
    }
    .create {
      display: flex;
      gap: 0.5rem;
      flex-wrap: wrap;
      align-items: center;
    }
    .create label {
      flex: 0 1 14rem;
    }
    .error {
      color: var(--danger-text);
      margin: 0.3rem 0 0;
      font-size: 0.85rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TagPicker {
  private readonly api = inject(EnvironmentsApi);

  readonly tags = input<readonly EnvironmentTag[]>([]);
  readonly selected = input<readonly number[]>([]);
  readonly selectedChange = output<number[]>();
  readonly created = output<EnvironmentTag>();

  protected readonly newName = signal('');
  protected readonly creating = signal(false);
  protected readonly error = signal<string | null>(null);

  protected toggle(id: number, on: boolean): void {
    const rest = this.selected().filter((t) => t !== id);
    this.selectedChange.emit(on ? [...rest, id] : rest);
  }

  protected async create(): Promise<void> {
    const name = this.newName().trim();
    if (!name || this.creating()) return;
    this.creating.set(true);
    this.error.set(null);
    try {
      const tag = await this.api.createTag(name);
      this.created.emit(tag);
      this.selectedChange.emit([...this.selected().filter((t) => t !== tag.ID), tag.ID]);
      this.newName.set('');
    } catch (error) {
      this.error.set(`Could not create the tag: ${errorMessage(error)}`);
    } finally {
      this.creating.set(false);
    }
  }
}
