import { Directive, ElementRef, inject } from '@angular/core';

/** Pressing `/` anywhere outside a text field focuses this element (the page's search box). */
@Directive({
  selector: '[capSearchShortcut]',
  host: {
    '(document:keydown)': 'onKeydown($event)',
    'aria-keyshortcuts': '/',
  },
})
export class SearchShortcut {
  private readonly element = inject<ElementRef<HTMLElement>>(ElementRef);

  protected onKeydown(event: KeyboardEvent): void {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement | null;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    this.element.nativeElement.focus();
  }
}
