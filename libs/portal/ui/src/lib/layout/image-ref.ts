import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** `registry:5000/capstan/node:20-local` → `registry:5000/`, `capstan/`, `node`, `:20-local`. */
export function imageRefParts(ref: string): string[] {
  return ref.split(/(?<=\/)|(?=@)|(?=:[^/]*$)/).filter((p) => p !== '');
}

/**
 * An image reference that wraps between its parts (after a `/`, before the `:tag` or `@digest`) rather than
 * mid-word, as names and versions did on a phone. A part longer than the line still breaks inside.
 */
@Component({
  selector: 'cap-image-ref',
  // Each part in its own span: text beside the control flow would gain spaces from the template's line breaks.
  template: `
    @for (part of parts(); track $index) {
      @if ($index > 0) {
        <wbr />
      }
      <span>{{ part }}</span>
    }
  `,
  host: { class: 'mono' },
  styles: `
    :host {
      overflow-wrap: break-word;
      word-break: normal;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ImageRef {
  readonly ref = input.required<string>();
  protected readonly parts = computed(() => imageRefParts(this.ref()));
}
