import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { describe, expect, it } from 'vitest';

import { AppShell, type NavItem, type ShellTheme } from './app-shell';

@Component({
  imports: [AppShell],
  template: `
    <cap-app-shell
      [navItems]="nav"
      userName="alice"
      roleLabel="Administrator"
      [theme]="theme()"
      (themeChange)="theme.set($event)"
      (logout)="loggedOut = true"
    >
      <p class="page">content</p>
    </cap-app-shell>
  `,
})
class Host {
  nav: NavItem[] = [
    { label: 'Home', path: '/home', testId: 'nav-home' },
    { label: 'Users', path: '/admin/users', testId: 'nav-users', section: 'Administration' },
  ];
  theme = signal<ShellTheme>('light');
  loggedOut = false;
}

function setup() {
  TestBed.configureTestingModule({ providers: [provideRouter([])] });
  const fixture = TestBed.createComponent(Host);
  fixture.detectChanges();
  return { fixture, el: fixture.nativeElement as HTMLElement };
}

describe('AppShell', () => {
  it('renders the nav links with their test ids, grouped by section, and the page in <main>', () => {
    const { el } = setup();
    expect(el.querySelector('[data-testid="nav-home"]')?.getAttribute('href')).toBe('/home');
    expect(el.querySelector('[data-testid="nav-users"]')?.getAttribute('href')).toBe('/admin/users');
    expect(el.querySelector('.section')?.textContent).toBe('Administration');
    expect(el.querySelector('main#main-content .page')).not.toBeNull();
    expect(el.querySelector('a.skip-link')?.getAttribute('href')).toBe('#main-content');
  });

  it('the menu button toggles the sidebar and reports it with aria-expanded', () => {
    const { fixture, el } = setup();
    const toggle = el.querySelector<HTMLButtonElement>('[data-testid="menu-toggle"]')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    fixture.detectChanges();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(el.querySelector('#cap-sidebar')?.classList.contains('open')).toBe(true);
  });

  it('the user menu opens, closes on Escape, and its logout item emits logout', () => {
    const { fixture, el } = setup();
    const button = el.querySelector<HTMLButtonElement>('[data-testid="user-menu"]')!;
    button.click();
    fixture.detectChanges();
    expect(button.getAttribute('aria-expanded')).toBe('true');
    button.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="logout"]')).toBeNull();
    button.click();
    fixture.detectChanges();
    el.querySelector<HTMLButtonElement>('[data-testid="logout"]')!.click();
    expect(fixture.componentInstance.loggedOut).toBe(true);
  });

  it('the theme button cycles light → dark → auto', () => {
    const { fixture, el } = setup();
    const toggle = el.querySelector<HTMLButtonElement>('[data-testid="theme-toggle"]')!;
    toggle.click();
    fixture.detectChanges();
    expect(fixture.componentInstance.theme()).toBe('dark');
    toggle.click();
    fixture.detectChanges();
    expect(fixture.componentInstance.theme()).toBe('auto');
  });
});
