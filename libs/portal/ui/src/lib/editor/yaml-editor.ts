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
  untracked,
  viewChild,
} from '@angular/core';
import { yaml } from '@codemirror/lang-yaml';
import { Compartment, EditorState } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { EditorView, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { indentWithTab } from '@codemirror/commands';

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
  private view: EditorView | null = null;
  private readonly theme = new Compartment();
  private readonly editable = new Compartment();

  constructor() {
    afterNextRender(() => {
      this.view = new EditorView({
        parent: this.host().nativeElement,
        state: EditorState.create({
          doc: untracked(this.value),
          extensions: [
            basicSetup,
            keymap.of([indentWithTab]),
            yaml(),
            EditorView.lineWrapping,
            EditorView.contentAttributes.of({ 'aria-label': untracked(this.label) }),
            this.theme.of(untracked(this.dark) ? oneDark : []),
            this.editable.of(EditorState.readOnly.of(untracked(this.readOnly))),
            EditorView.updateListener.of((u) => {
              if (u.docChanged) this.value.set(u.state.doc.toString());
            }),
          ],
        }),
      });
    });
    effect(() => {
      const dark = this.dark();
      this.view?.dispatch({ effects: this.theme.reconfigure(dark ? oneDark : []) });
    });
    effect(() => {
      const ro = this.readOnly();
      this.view?.dispatch({ effects: this.editable.reconfigure(EditorState.readOnly.of(ro)) });
    });
    // A value set from outside (a file loaded, a version shown) replaces the document.
    effect(() => {
      const next = this.value();
      const view = this.view;
      if (view && view.state.doc.toString() !== next)
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
    });
    inject(DestroyRef).onDestroy(() => this.view?.destroy());
  }
}
