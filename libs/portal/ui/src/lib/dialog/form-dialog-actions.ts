import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/**
 * The action bar of a form dialog: Cancel, and a submit button bound to the form by id that shows
 * progress while busy. Put it in a `cap-dialog` with the `dialog-actions` attribute.
 */
@Component({
  selector: 'cap-form-dialog-actions',
  template: `
    <button type="button" class="btn" (click)="cancelled.emit()">Cancel</button>
    <button
      type="submit"
      [attr.form]="formId()"
      class="btn btn-primary"
      [attr.data-testid]="testId()"
      [disabled]="busy()"
    >
      {{ busy() ? busyLabel() : label() }}
    </button>
  `,
  styles: `
    :host {
      display: contents;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FormDialogActions {
  readonly formId = input.required<string>();
  readonly testId = input<string>();
  readonly busy = input(false);
  readonly label = input('Save');
  readonly busyLabel = input('Saving…');
  readonly cancelled = output();
}
