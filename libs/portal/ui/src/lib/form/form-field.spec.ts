import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';

import { FormControlDirective, FormField } from './form-field';
import { SearchShortcut } from './search-shortcut';

@Component({
  imports: [FormField, FormControlDirective, SearchShortcut],
  template: `
    <cap-form-field label="Password" hint="At least 12 characters." [error]="error()" [required]="true">
      <input capControl id="ignored" />
    </cap-form-field>
    <input class="other" />
    <input class="search" capSearchShortcut />
  `,
})
class Host {
  error = signal<string | null>(null);
}

describe('FormField', () => {
  it('labels the control and describes it by its hint', () => {
    const fixture = TestBed.createComponent(Host);
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const input = el.querySelector('input')!;
    const label = el.querySelector('label')!;
    expect(label.getAttribute('for')).toBe(input.id);
    expect(label.textContent).toContain('Password');
    expect(input.getAttribute('aria-required')).toBe('true');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(document.getElementById(input.getAttribute('aria-describedby')!)?.textContent).toContain(
      'At least 12',
    );
  });

  it('marks the control invalid and points aria-describedby at the error', () => {
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.error.set('Too short.');
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const input = el.querySelector('input')!;
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const ids = input.getAttribute('aria-describedby')!.split(' ');
    expect(ids).toHaveLength(2);
    expect(el.querySelector(`#${ids[1]}`)?.textContent).toBe('Too short.');
  });
});

describe('SearchShortcut', () => {
  it('"/" focuses the search box, but not while typing in another field', () => {
    const fixture = TestBed.createComponent(Host);
    fixture.detectChanges();
    document.body.appendChild(fixture.nativeElement as HTMLElement);
    const el = fixture.nativeElement as HTMLElement;
    const search = el.querySelector<HTMLInputElement>('.search')!;
    const other = el.querySelector<HTMLInputElement>('.other')!;

    other.focus();
    other.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true }));
    expect(document.activeElement).toBe(other);

    other.blur();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true }));
    expect(document.activeElement).toBe(search);
    (fixture.nativeElement as HTMLElement).remove();
  });
});
