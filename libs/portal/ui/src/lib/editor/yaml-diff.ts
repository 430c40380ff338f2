import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  ViewEncapsulation,
  afterNextRender,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import type { EditorView } from '@codemirror/view';

/** CodeMirror's merge package with YAML and One Dark, loaded with the first diff (a lazy chunk). */
function loadMerge() {
  return Promise.all([
    import('@codemirror/merge'),
    import('codemirror'),
    import('@codemirror/lang-yaml'),
    import('@codemirror/state'),
    import('@codemirror/theme-one-dark'),
    import('@codemirror/view'),
  ]);
}

/** Below this width the two files are shown as one (deleted lines above the added ones), not side by side. */
const SIDE_BY_SIDE_MIN_PX = 640;

/**
 * A read-only comparison of two YAML files (`@codemirror/merge`): side by side on wide screens, unified on phones,
 * long unchanged stretches collapsed. `before` is the left/original, `after` the right/new. The summary line
 * (`<testId>-summary`) counts the changed places, so "no change" is said in words too.
 */
@Component({
  selector: 'cap-yaml-diff',
  template: `
    <p class="summary muted" [attr.data-testid]="testId() + '-summary'" aria-live="polite">{{ summary() }}</p>
    @if (sideBySide()) {
      <div class="heads" aria-hidden="true">
        <span>{{ beforeLabel() }}</span><span>{{ afterLabel() }}</span>
      </div>
    }
    <div
      #host
      class="yaml-diff"
      role="group"
      [attr.aria-label]="beforeLabel() + ' compared with ' + afterLabel()"
      [attr.data-testid]="testId()"
    ></div>
  `,
  styles: `
    .yaml-diff {
      border: 1px solid var(--border, #ccc);
      border-radius: 6px;
      overflow: auto;
      max-height: 60vh;
      max-width: 100%;
      font-size: 0.85rem;
    }
    .yaml-diff .cm-mergeView,
    .yaml-diff .cm-editor {
      min-height: 6rem;
    }
    .heads {
      display: grid;
      grid-template-columns: 1fr 1fr;
      font-size: 0.8rem;
      font-weight: 600;
      margin-bottom: 0.25rem;
    }
    .summary {
      margin: 0 0 0.5rem;
    }
    /* CodeMirror marks collapsed lines with ⦚, which the portal's fonts lack. */
    .yaml-diff .cm-editor .cm-collapsedLines:before,
    .yaml-diff .cm-editor .cm-collapsedLines:after {
      content: '…';
    }
  `,
  encapsulation: ViewEncapsulation.None,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class YamlDiff {
  readonly before = input.required<string>();
  readonly after = input.required<string>();
  readonly beforeLabel = input('Deployed');
  readonly afterLabel = input('Edited');
  readonly dark = input(false);
  readonly testId = input('yaml-diff');

  private readonly host = viewChild.required<ElementRef<HTMLElement>>('host');
  protected readonly summary = signal('Comparing…');
  protected readonly sideBySide = signal(false);
  private destroy: (() => void) | null = null;
  private destroyed = false;
  /** Applies the light or dark theme to the views (set once they exist; the theme may change while open). */
  private readonly applyTheme = signal<((dark: boolean) => void) | null>(null);

  constructor() {
    afterNextRender(() => void this.open());
    effect(() => {
      const apply = this.applyTheme();
      const dark = this.dark();
      if (apply) untracked(() => apply(dark));
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      this.destroy?.();
    });
  }

  private async open(): Promise<void> {
    const [merge, { basicSetup }, { yaml }, state, { oneDark }, cm] = await loadMerge();
    if (this.destroyed) return;
    const before = untracked(this.before);
    const after = untracked(this.after);
    const theme = new state.Compartment();
    const extensions = [
      basicSetup,
      yaml(),
      cm.EditorView.lineWrapping,
      cm.EditorView.editable.of(false),
      state.EditorState.readOnly.of(true),
      theme.of(untracked(this.dark) ? oneDark : []),
    ];
    const themed = (views: EditorView[]) => (dark: boolean) => {
      for (const v of views) v.dispatch({ effects: theme.reconfigure(dark ? oneDark : []) });
    };
    const parent = this.host().nativeElement;
    const wide = parent.clientWidth >= SIDE_BY_SIDE_MIN_PX;
    this.sideBySide.set(wide);
    if (wide) {
      const view = new merge.MergeView({
        a: { doc: before, extensions },
        b: { doc: after, extensions },
        parent,
        collapseUnchanged: { margin: 3, minSize: 6 },
      });
      this.destroy = () => view.destroy();
      this.applyTheme.set(themed([view.a, view.b]));
      this.say(view.chunks.length);
    } else {
      const view = new cm.EditorView({
        parent,
        state: state.EditorState.create({
          doc: after,
          extensions: [
            ...extensions,
            merge.unifiedMergeView({
              original: before,
              mergeControls: false,
              collapseUnchanged: { margin: 3, minSize: 6 },
            }),
          ],
        }),
      });
      this.destroy = () => view.destroy();
      this.applyTheme.set(themed([view]));
      this.say(merge.getChunks(view.state)?.chunks.length ?? 0);
    }
  }

  private say(changes: number): void {
    this.summary.set(
      changes === 0
        ? 'No change: the files are the same.'
        : `${changes} changed ${changes === 1 ? 'block' : 'blocks'}.`,
    );
  }
}
