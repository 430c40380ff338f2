import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { ToastService } from '@capstan/portal-ui';

/** One level of a JSON tree: objects and arrays fold (`<details>`), scalars show typed. */
@Component({
  selector: 'cap-json-node',
  imports: [],
  template: `
    @if (isContainer()) {
      <details [open]="depth() < 1">
        <summary>
          <span class="key">{{ name() }}</span>
          <span class="muted">{{
            isArray() ? '[' + entries().length + ']' : '{' + entries().length + '}'
          }}</span>
        </summary>
        <div class="children">
          @for (e of entries(); track e[0]) {
            <cap-json-node [name]="e[0]" [value]="e[1]" [depth]="depth() + 1" />
          }
        </div>
      </details>
    } @else {
      <div class="leaf">
        <span class="key">{{ name() }}</span>: <span [class]="'v-' + kind()">{{ display() }}</span>
      </div>
    }
  `,
  styles: `
    :host {
      display: block;
      font-family: var(--mono);
      font-size: 0.82rem;
      line-height: 1.5;
    }
    summary {
      cursor: pointer;
    }
    .children {
      padding-left: 1.1rem;
      border-left: 1px dashed var(--border);
      margin-left: 0.3rem;
    }
    .leaf {
      padding-left: 1rem;
      overflow-wrap: anywhere;
    }
    .key {
      color: var(--accent-strong);
      margin-right: 0.3rem;
    }
    .v-string {
      color: var(--success);
    }
    .v-number,
    .v-boolean {
      color: var(--warning);
    }
    .v-null {
      color: var(--text-muted);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class JsonNode {
  readonly name = input.required<string>();
  readonly value = input.required<unknown>();
  readonly depth = input(0);

  protected readonly isArray = computed(() => Array.isArray(this.value()));
  protected readonly isContainer = computed(() => typeof this.value() === 'object' && this.value() !== null);
  protected readonly entries = computed(() => Object.entries(this.value() as object));
  protected readonly kind = computed(() => (this.value() === null ? 'null' : typeof this.value()));
  protected readonly display = computed(() =>
    typeof this.value() === 'string' ? JSON.stringify(this.value()) : String(this.value()),
  );
}

/** The container's inspect JSON, as a tree or as pretty text, with copy. */
@Component({
  selector: 'cap-container-inspect',
  imports: [JsonNode],
  template: `
    <div class="toolbar">
      <div class="seg" role="group" aria-label="View">
        <button
          type="button"
          class="btn btn-sm"
          [class.btn-primary]="view() === 'tree'"
          [attr.aria-pressed]="view() === 'tree'"
          (click)="view.set('tree')"
        >
          Tree
        </button>
        <button
          type="button"
          class="btn btn-sm"
          [class.btn-primary]="view() === 'text'"
          [attr.aria-pressed]="view() === 'text'"
          data-testid="inspect-text"
          (click)="view.set('text')"
        >
          JSON
        </button>
      </div>
      <button type="button" class="btn btn-sm" data-testid="inspect-copy" (click)="copy()">Copy JSON</button>
    </div>
    <div class="box" data-testid="inspect-output">
      @if (view() === 'tree') {
        @for (e of entries(); track e[0]) {
          <cap-json-node [name]="e[0]" [value]="e[1]" [depth]="1" />
        }
      } @else {
        <pre>{{ text() }}</pre>
      }
    </div>
  `,
  styles: `
    .seg {
      display: inline-flex;
      gap: 0.25rem;
    }
    .box {
      border: 1px solid var(--border);
      border-radius: var(--radius-lg);
      background: var(--surface);
      padding: 0.75rem;
      max-height: 70vh;
      overflow: auto;
    }
    pre {
      margin: 0;
      font-size: 0.82rem;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerInspectView {
  readonly data = input.required<object>();
  private readonly toasts = inject(ToastService);
  protected readonly view = signal<'tree' | 'text'>('tree');
  protected readonly entries = computed(() => Object.entries(this.data()));
  protected readonly text = computed(() => JSON.stringify(this.data(), null, 2));

  protected copy(): void {
    navigator.clipboard
      .writeText(this.text())
      .then(() => this.toasts.success('Inspect JSON copied'))
      .catch(() => this.toasts.error('The browser refused the clipboard: use the JSON view and select it'));
  }
}
