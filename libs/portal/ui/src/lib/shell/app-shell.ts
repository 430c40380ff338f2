import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink } from '@angular/router';
import { filter, map } from 'rxjs';

export interface NavItem {
  readonly label: string;
  /** Where the link goes; the item is active on this URL and below it. */
  readonly path: string;
  /** `data-testid` of the link, e.g. `nav-users`. */
  readonly testId: string;
  readonly icon?: string;
  /** Items with the same section are grouped under its heading. */
  readonly section?: string;
  /** URL patterns that also make the item active (see `urlMatches`), e.g. `/environments/:envId/docker/**`. */
  readonly activeAlso?: readonly string[];
  /** URL patterns under `path` that do not make it active. */
  readonly activeNever?: readonly string[];
}

/**
 * Whether `url` (query and fragment ignored) matches `pattern`: segments compare literally, `:name` matches any
 * one segment, and a last segment `**` matches any rest, none included.
 */
export function urlMatches(pattern: string, url: string): boolean {
  const want = segments(pattern);
  const have = segments(url);
  const rest = want.at(-1) === '**';
  const fixed = rest ? want.slice(0, -1) : want;
  if (rest ? have.length < fixed.length : have.length !== fixed.length) return false;
  return fixed.every((seg, i) => (seg.startsWith(':') ? have[i] !== '' : seg === have[i]));
}

/** The sidebar's rule: active on its path and below it, or on an `activeAlso` URL, never on an `activeNever` one. */
export function navItemActive(item: NavItem, url: string): boolean {
  if (item.activeNever?.some((p) => urlMatches(p, url))) return false;
  return urlMatches(`${item.path}/**`, url) || (item.activeAlso?.some((p) => urlMatches(p, url)) ?? false);
}

function segments(url: string): string[] {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

export type ShellTheme = 'light' | 'dark' | 'auto';

interface NavSection {
  readonly title: string;
  readonly items: readonly NavItem[];
}

/**
 * The logged-in frame: skip link, sidebar navigation (a toggled menu at ≤ 768 px), a top bar with the
 * theme switch and the user menu, and the page in `<main id="main-content">`.
 */
@Component({
  selector: 'cap-app-shell',
  imports: [RouterLink],
  template: `
    <a class="skip-link" href="#main-content" (click)="focusMain($event)">Skip to content</a>
    <header class="topbar">
      <button
        type="button"
        class="icon-btn menu-toggle"
        [attr.aria-expanded]="menuOpen()"
        aria-controls="cap-sidebar"
        data-testid="menu-toggle"
        (click)="menuOpen.set(!menuOpen())"
      >
        <span aria-hidden="true">☰</span><span class="sr-only">Menu</span>
      </button>
      <a class="brand" routerLink="/home"
        ><span class="logo" aria-hidden="true">⎈</span> {{ productName() }}</a
      >
      <div class="spacer"></div>
      <button
        type="button"
        class="icon-btn"
        data-testid="theme-toggle"
        [attr.aria-label]="'Theme: ' + theme() + '. Switch to ' + nextTheme()"
        [title]="'Theme: ' + theme()"
        (click)="themeChange.emit(nextTheme())"
      >
        <span aria-hidden="true">{{ themeIcon() }}</span>
      </button>
      <div class="user-menu">
        <button
          type="button"
          class="btn btn-ghost user-btn"
          data-testid="user-menu"
          aria-haspopup="true"
          [attr.aria-expanded]="userMenuOpen()"
          aria-controls="cap-user-menu"
          (click)="userMenuOpen.set(!userMenuOpen())"
        >
          <span class="avatar" aria-hidden="true">{{ initial() }}</span>
          <span class="user-name">{{ userName() }}</span>
          <span aria-hidden="true">▾</span>
        </button>
        @if (userMenuOpen()) {
          <div class="menu" id="cap-user-menu">
            <div class="menu-head">
              <strong>{{ userName() }}</strong><span class="muted">{{ roleLabel() }}</span>
            </div>
            <a routerLink="/account" class="menu-item" (click)="closeUserMenu()">My account</a>
            <div class="menu-item theme-row" role="group" aria-label="Theme">
              @for (t of themes; track t) {
                <button
                  type="button"
                  class="chip"
                  [attr.aria-pressed]="theme() === t"
                  [attr.data-testid]="'theme-' + t"
                  (click)="themeChange.emit(t)"
                >
                  {{ t }}
                </button>
              }
            </div>
            <button
              type="button"
              class="menu-item"
              data-testid="logout"
              (click)="closeUserMenu(); logout.emit()"
            >
              Log out
            </button>
          </div>
        }
      </div>
    </header>
    <div class="body">
      <nav id="cap-sidebar" class="sidebar" [class.open]="menuOpen()" aria-label="Main">
        @for (section of sections(); track section.title) {
          @if (section.title) {
            <h2 class="section">{{ section.title }}</h2>
          }
          <ul>
            @for (item of section.items; track item.path) {
              <li>
                <a
                  [routerLink]="item.path"
                  [class.active]="activeTestId() === item.testId"
                  [attr.aria-current]="activeTestId() === item.testId ? 'page' : null"
                  [attr.data-testid]="item.testId"
                  (click)="menuOpen.set(false)"
                >
                  <span class="nav-icon" aria-hidden="true">{{ item.icon ?? '•' }}</span>{{ item.label }}
                </a>
              </li>
            }
          </ul>
        }
      </nav>
      <main id="main-content" tabindex="-1">
        <ng-content />
      </main>
    </div>
  `,
  styles: `
    :host {
      display: grid;
      grid-template-rows: auto 1fr;
      min-height: 100vh;
    }
    .topbar {
      position: sticky;
      top: 0;
      z-index: 20;
      display: flex;
      align-items: center;
      gap: 0.5rem;
      height: 3.25rem;
      padding: 0 0.75rem;
      background: var(--surface);
      border-bottom: 1px solid var(--border);
    }
    .brand {
      font-weight: 700;
      font-size: 1.1rem;
      color: var(--text);
      text-decoration: none;
      display: inline-flex;
      gap: 0.4rem;
      align-items: center;
    }
    .logo {
      color: var(--accent);
      font-size: 1.3rem;
    }
    .spacer {
      flex: 1;
    }
    .menu-toggle {
      display: none;
    }
    .user-menu {
      position: relative;
    }
    .user-btn {
      display: inline-flex;
      gap: 0.4rem;
      align-items: center;
    }
    .avatar {
      display: inline-grid;
      place-items: center;
      width: 1.75rem;
      height: 1.75rem;
      border-radius: 50%;
      background: var(--accent);
      color: var(--accent-contrast);
      font-weight: 700;
      text-transform: uppercase;
    }
    .menu {
      position: absolute;
      right: 0;
      top: calc(100% + 0.35rem);
      min-width: 14rem;
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: var(--radius-lg);
      box-shadow: var(--shadow);
      padding: 0.35rem;
      display: grid;
    }
    .menu-head {
      display: grid;
      padding: 0.5rem 0.6rem;
      border-bottom: 1px solid var(--border);
      margin-bottom: 0.25rem;
    }
    .menu-item {
      all: unset;
      box-sizing: border-box;
      padding: 0.5rem 0.6rem;
      border-radius: var(--radius);
      cursor: pointer;
      color: var(--text);
    }
    .menu-item:hover,
    .menu-item:focus-visible {
      background: var(--surface-2);
    }
    .menu-item:focus-visible {
      outline: 2px solid var(--focus);
    }
    .theme-row {
      display: flex;
      gap: 0.3rem;
      cursor: default;
    }
    .chip {
      border: 1px solid var(--border);
      background: transparent;
      color: var(--text);
      border-radius: 999px;
      padding: 0.15rem 0.6rem;
      cursor: pointer;
      text-transform: capitalize;
    }
    .chip[aria-pressed='true'] {
      background: var(--accent);
      border-color: var(--accent);
      color: var(--accent-contrast);
    }
    .body {
      display: grid;
      grid-template-columns: 15rem 1fr;
      min-height: 0;
    }
    .sidebar {
      background: var(--sidebar-bg);
      border-right: 1px solid var(--border);
      padding: 0.75rem 0.5rem;
    }
    .sidebar ul {
      list-style: none;
      margin: 0 0 0.75rem;
      padding: 0;
    }
    .section {
      font-size: 0.72rem;
      text-transform: uppercase;
      letter-spacing: 0.06em;
      color: var(--text-muted);
      margin: 0.75rem 0.6rem 0.35rem;
    }
    .sidebar a {
      display: flex;
      gap: 0.6rem;
      align-items: center;
      padding: 0.5rem 0.6rem;
      border-radius: var(--radius);
      color: var(--text);
      text-decoration: none;
    }
    .sidebar a:hover {
      background: var(--surface-2);
    }
    .sidebar a.active {
      background: var(--accent-soft);
      color: var(--accent-strong);
      font-weight: 600;
    }
    .nav-icon {
      width: 1.2rem;
      text-align: center;
    }
    main {
      padding: 1.5rem;
      min-width: 0;
      outline: none;
    }
    @media (max-width: 768px) {
      .menu-toggle {
        display: inline-grid;
      }
      .user-name {
        display: none;
      }
      .body {
        grid-template-columns: 1fr;
      }
      .sidebar {
        display: none;
        position: fixed;
        inset: 3.25rem 0 auto 0;
        z-index: 15;
        border-right: 0;
        border-bottom: 1px solid var(--border);
        box-shadow: var(--shadow);
        max-height: calc(100vh - 3.25rem);
        overflow: auto;
      }
      .sidebar.open {
        display: block;
      }
      main {
        padding: 1rem;
      }
    }
  `,
  host: { '(document:click)': 'onDocumentClick($event)', '(keydown.escape)': 'onEscape()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppShell {
  readonly navItems = input.required<readonly NavItem[]>();
  readonly userName = input('');
  readonly roleLabel = input('');
  readonly productName = input('Capstan');
  readonly theme = input<ShellTheme>('auto');
  readonly themeChange = output<ShellTheme>();
  readonly logout = output<void>();

  readonly menuOpen = signal(false);
  readonly userMenuOpen = signal(false);
  protected readonly themes: readonly ShellTheme[] = ['light', 'dark', 'auto'];
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly router = inject(Router);
  private readonly url = toSignal(
    this.router.events.pipe(
      filter((e) => e instanceof NavigationEnd),
      map((e) => e.urlAfterRedirects),
    ),
    { initialValue: this.router.url },
  );
  /** The one highlighted item: the first whose rule matches the URL (at most one is `aria-current`). */
  protected readonly activeTestId = computed(() => {
    const url = this.url();
    return this.navItems().find((item) => navItemActive(item, url))?.testId ?? null;
  });

  protected readonly initial = computed(() => this.userName().charAt(0) || '?');
  protected readonly nextTheme = computed<ShellTheme>(() => {
    const order = this.themes;
    return order[(order.indexOf(this.theme()) + 1) % order.length];
  });
  protected readonly themeIcon = computed(() => ({ light: '☀', dark: '☾', auto: '◐' })[this.theme()]);
  protected readonly sections = computed<NavSection[]>(() => {
    const map = new Map<string, NavItem[]>();
    for (const item of this.navItems()) {
      const key = item.section ?? '';
      map.set(key, [...(map.get(key) ?? []), item]);
    }
    return [...map].map(([title, items]) => ({ title, items }));
  });

  protected closeUserMenu(refocus = false): void {
    this.userMenuOpen.set(false);
    if (refocus) this.host.nativeElement.querySelector<HTMLElement>('[data-testid="user-menu"]')?.focus();
  }

  /** Escape closes whichever menu is open and returns focus to its button. */
  protected onEscape(): void {
    if (this.userMenuOpen()) {
      this.closeUserMenu(true);
    } else if (this.menuOpen()) {
      this.menuOpen.set(false);
      this.host.nativeElement.querySelector<HTMLElement>('[data-testid="menu-toggle"]')?.focus();
    }
  }

  protected onDocumentClick(event: MouseEvent): void {
    const menu = this.host.nativeElement.querySelector('.user-menu');
    if (this.userMenuOpen() && menu && !menu.contains(event.target as Node)) this.userMenuOpen.set(false);
  }

  protected focusMain(event: Event): void {
    event.preventDefault();
    this.host.nativeElement.querySelector<HTMLElement>('#main-content')?.focus();
  }
}
