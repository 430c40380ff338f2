import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { describe, expect, it } from 'vitest';

import { AppShell, type NavItem, type ShellTheme, navItemActive, urlMatches } from './app-shell';

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
    { label: 'Home', path: '/home', testId: 'nav-home', activeAlso: ['/places/:id/inside/**'] },
    { label: 'Places', path: '/places', testId: 'nav-places', activeNever: ['/places/:id/inside/**'] },
    { label: 'Users', path: '/admin/users', testId: 'nav-users', section: 'Administration' },
  ];
  theme = signal<ShellTheme>('light');
  loggedOut = false;
}

@Component({ template: '' })
class Blank {}

function setup() {
  TestBed.configureTestingModule({ providers: [provideRouter([{ path: '**', component: Blank }])] });
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

  it('marks the item of the current URL active and aria-current, following its activeAlso/activeNever', async () => {
    const { fixture, el } = setup();
    const state = () =>
      ['nav-home', 'nav-places', 'nav-users'].map((id) => {
        const a = el.querySelector(`[data-testid="${id}"]`)!;
        return `${id}:${a.classList.contains('active') ? 'active' : '-'}:${a.getAttribute('aria-current') ?? '-'}`;
      });
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/places/3/inside/deeper');
    fixture.detectChanges();
    expect(state()).toEqual(['nav-home:active:page', 'nav-places:-:-', 'nav-users:-:-']);
    await router.navigateByUrl('/places/3/edit');
    fixture.detectChanges();
    expect(state()).toEqual(['nav-home:-:-', 'nav-places:active:page', 'nav-users:-:-']);
    await router.navigateByUrl('/admin/users?page=2');
    fixture.detectChanges();
    expect(state()).toEqual(['nav-home:-:-', 'nav-places:-:-', 'nav-users:active:page']);
  });
});

describe('urlMatches', () => {
  it.each([
    ['/home', '/home', true],
    ['/home', '/home/', true],
    ['/home', '/homes', false],
    ['/home', '/home/x', false],
    ['/home/**', '/home', true],
    ['/home/**', '/home/a/b?q=1#f', true],
    ['/home/**', '/homeless', false],
    ['/environments/:envId/docker/**', '/environments/7/docker', true],
    ['/environments/:envId/docker/**', '/environments/7/docker/containers/abc', true],
    ['/environments/:envId/docker/**', '/environments/7/edit', false],
    ['/environments/:envId/docker/**', '/environments//docker', false],
    ['/environments/:envId/docker/**', '/environments/docker', false],
  ])('%s against %s → %s', (pattern, url, expected) => {
    expect(urlMatches(pattern, url)).toBe(expected);
  });
});

describe('navItemActive', () => {
  const home: NavItem = { label: 'Home', path: '/home', testId: 'h', activeAlso: ['/env/:id/docker/**'] };
  const envs: NavItem = { label: 'Envs', path: '/env', testId: 'e', activeNever: ['/env/:id/docker/**'] };

  it('an item is active on its path and below it', () => {
    expect(navItemActive(envs, '/env')).toBe(true);
    expect(navItemActive(envs, '/env/new')).toBe(true);
    expect(navItemActive(envs, '/env/3/edit?tab=security')).toBe(true);
    expect(navItemActive(envs, '/environments')).toBe(false);
  });

  it('activeAlso adds URLs elsewhere, activeNever removes URLs below the path', () => {
    expect(navItemActive(home, '/env/3/docker/containers')).toBe(true);
    expect(navItemActive(envs, '/env/3/docker/containers')).toBe(false);
    expect(navItemActive(home, '/env/3/edit')).toBe(false);
  });
});
