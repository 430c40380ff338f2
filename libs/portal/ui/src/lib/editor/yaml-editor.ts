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
  model,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import type { Compartment, EditorState, Extension } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';

interface Editor {
  view: EditorView;
  theme: Compartment;
  editable: Compartment;
  oneDark: Extension;
  readOnly: typeof EditorState.readOnly;
}

/** CodeMirror and its YAML and One Dark packages, loaded with the first editor (a lazy chunk, not the app's). */
function loadCodeMirror() {
  return Promise.all([
    import('codemirror'),
    import('@codemirror/commands'),
    import('@codemirror/lang-yaml'),
    import('@codemirror/state'),
    import('@codemirror/theme-one-dark'),
    import('@codemirror/view'),
  ]);
}

/**
 * A YAML editor (CodeMirror 6 with its YAML language and, in dark mode, the One Dark theme). Two-way `value`;
 * `dark` follows the portal's effective theme (the caller passes it; this lib knows no session). Tab indents;
 * Escape then Tab leaves the editor (CodeMirror's own rule), so the keyboard is never trapped.
 */
@Component({
  selector: 'cap-yaml-editor',
  template: `<div
    #host
    class="yaml-editor"
    [attr.data-testid]="testId()"
    [attr.aria-label]="label()"
    role="group"
  ></div>`,
  styles: `
    .yaml-editor {
      border: 1px solid var(--border, #ccc);
      border-radius: 6px;
      overflow: hidden;
      max-width: 100%;
    }
    .yaml-editor .cm-editor {
      min-height: 12rem;
      max-height: 60vh;
      font-size: 0.85rem;
    }
    .yaml-editor .cm-scroller {
      overflow: auto;
    }
  `,
  // CodeMirror builds its DOM outside Angular's view: the rules are global, scoped by `.yaml-editor`.
  encapsulation: ViewEncapsulation.None,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class YamlEditor {
  readonly value = model('');
  readonly dark = input(false);
  readonly readOnly = input(false);
  readonly label = input('YAML editor');
  readonly testId = input('yaml-editor');

  private readonly host = viewChild.required<ElementRef<HTMLElement>>('host');
  /** The editor once CodeMirror is loaded (signal: the effects below run again then). */
  private readonly editor = signal<Editor | null>(null);
  private destroyed = false;

  constructor() {
    afterNextRender(() => void this.open());
    effect(() => {
      const e = this.editor();
      if (e) e.view.dispatch({ effects: e.theme.reconfigure(this.dark() ? e.oneDark : []) });
    });
    effect(() => {
      const e = this.editor();
      if (e) e.view.dispatch({ effects: e.editable.reconfigure(e.readOnly.of(this.readOnly())) });
    });
    // A value set from outside (a file loaded, a version shown) replaces the document.
    effect(() => {
      const next = this.value();
      const view = this.editor()?.view;
      if (view && view.state.doc.toString() !== next)
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
    });
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      this.editor()?.view.destroy();
    });
  }

  private async open(): Promise<void> {
    const [{ basicSetup }, { indentWithTab }, { yaml }, state, { oneDark }, cm] = await loadCodeMirror();
    if (this.destroyed) return;
    const theme = new state.Compartment();
    const editable = new state.Compartment();
    const view = new cm.EditorView({
      parent: this.host().nativeElement,
      state: state.EditorState.create({
        doc: untracked(this.value),
        extensions: [
          basicSetup,
          cm.keymap.of([indentWithTab]),
          yaml(),
          cm.EditorView.lineWrapping,
          cm.EditorView.contentAttributes.of({ 'aria-label': untracked(this.label) }),
          theme.of(untracked(this.dark) ? oneDark : []),
          editable.of(state.EditorState.readOnly.of(untracked(this.readOnly))),
          cm.EditorView.updateListener.of((u) => {
            if (u.docChanged) this.value.set(u.state.doc.toString());
          }),
        ],
      }),
    });
    this.editor.set({ view, theme, editable, oneDark, readOnly: state.EditorState.readOnly });
  }
}
