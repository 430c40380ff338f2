import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { Alert } from '../alert/alert';
import { Dialog } from './dialog';
import { FormDialogActions } from './form-dialog-actions';

/**
 * A dialog holding one form: the fields go inside, the form's error (if any) shows above them, and the action
 * bar is Cancel plus a submit button that shows progress while busy. Submitting (Enter or the button) emits
 * `submitted` with the default already prevented. Render it with `@if` to open it; pair it with data-access's `DialogForm`.
 */
@Component({
  selector: 'cap-form-dialog',
  imports: [Alert, Dialog, FormDialogActions],
  template: `
    <cap-dialog [title]="title()" [testId]="testId()" [size]="size()" (closed)="closed.emit()">
      <form [id]="formId()" novalidate (submit)="submit($event)">
        @if (error(); as message) {
          <cap-alert kind="error">{{ message }}</cap-alert>
        }
        <ng-content />
      </form>
      <cap-form-dialog-actions
        dialog-actions
        [formId]="formId()"
        [testId]="submitTestId()"
        [label]="label()"
        [busyLabel]="busyLabel()"
        [busy]="busy()"
        (cancelled)="closed.emit()"
      />
    </cap-dialog>
  `,
  styles: `
    :host {
      display: contents;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FormDialog {
  readonly title = input.required<string>();
  readonly formId = input.required<string>();
  readonly testId = input<string | null>(null);
  readonly submitTestId = input<string>();
  readonly size = input<'normal' | 'wide'>('normal');
  readonly label = input('Save');
  readonly busyLabel = input('Saving…');
  readonly busy = input(false);
  readonly error = input<string | null>(null);
  readonly submitted = output<void>();
  readonly closed = output<void>();

  protected submit(event: Event): void {
    event.preventDefault();
    this.submitted.emit();
  }
}
