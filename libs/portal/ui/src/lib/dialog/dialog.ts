import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  inject,
  input,
  output,
} from '@angular/core';

let nextId = 0;

/**
 * A modal dialog: labelled by its title, Escape and the backdrop close it, focus moves into it on open
 * and back to where it was on close, Tab stays inside. Render it with `@if` to open it.
 */
@Component({
  selector: 'cap-dialog',
  template: `
    <div class="backdrop"></div>
    <div
      class="dialog"
      [class.wide]="size() === 'wide'"
      role="dialog"
      aria-modal="true"
      [attr.aria-labelledby]="titleId"
      [attr.data-testid]="testId()"
      (keydown)="onKeydown($event)"
    >
      <h2 class="dialog-title" [id]="titleId">{{ title() }}</h2>
      <div class="dialog-body"><ng-content /></div>
      <div class="dialog-actions"><ng-content select="[dialog-actions]" /></div>
    </div>
  `,
  styles: `
    :host {
      position: fixed;
      inset: 0;
      z-index: 40;
      display: grid;
      place-items: center;
      padding: 1rem;
    }
    .backdrop {
      position: absolute;
      inset: 0;
      background: rgb(0 0 0 / 0.45);
    }
    .dialog {
      position: relative;
      width: min(32rem, 100%);
      max-height: calc(100vh - 2rem);
      overflow: auto;
      background: var(--surface);
      color: var(--text);
      border-radius: var(--radius-lg);
      box-shadow: var(--shadow);
      padding: 1.25rem;
    }
    .dialog.wide {
      width: min(48rem, 100%);
    }
    .dialog-title {
      margin: 0 0 1rem;
      font-size: 1.15rem;
    }
    .dialog-actions {
      display: flex;
      justify-content: flex-end;
      gap: 0.5rem;
      margin-top: 1.25rem;
      flex-wrap: wrap;
    }
  `,
  host: { '(click)': 'onClick($event)' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Dialog {
  readonly title = input.required<string>();
  readonly testId = input<string | null>(null);
  /** `wide` (48rem) for long forms whose rows hold several fields; a phone gets the whole width either way. */
  readonly size = input<'normal' | 'wide'>('normal');
  readonly closed = output<void>();

  protected readonly titleId = `cap-dialog-title-${nextId++}`;
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly previouslyFocused = (typeof document !== 'undefined'
    ? document.activeElement
    : null) as HTMLElement | null;

  constructor() {
    afterNextRender(() => {
      const first = this.focusables()[0];
      (first ?? this.host.nativeElement.querySelector<HTMLElement>('.dialog'))?.focus();
    });
    inject(DestroyRef).onDestroy(() => this.previouslyFocused?.focus?.());
  }

  /** A click on the backdrop (outside the panel) closes, like Escape. */
  protected onClick(event: MouseEvent): void {
    if ((event.target as HTMLElement).classList.contains('backdrop')) this.closed.emit();
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.closed.emit();
      return;
    }
    if (event.key !== 'Tab') return;
    const items = this.focusables();
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  private focusables(): HTMLElement[] {
    return Array.from(
      this.host.nativeElement.querySelectorAll<HTMLElement>(
        '.dialog input:not([disabled]), .dialog select:not([disabled]), .dialog textarea:not([disabled]), .dialog button:not([disabled]), .dialog [href], .dialog [tabindex]:not([tabindex="-1"])',
      ),
    );
  }
}
