import { DOCUMENT } from '@angular/common';
import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import type { ThemeColor } from '@capstan/contracts-api';

import { UsersApi } from '../services/users-api.service';
import { SessionStore } from './session.store';

/** The choices the portal offers. Portainer's `highcontrast` is read as dark, `''` as auto. */
export type ThemeChoice = 'light' | 'dark' | 'auto';
export const THEME_STORAGE_KEY = 'capstan.theme';

export function toThemeChoice(color: string | null | undefined): ThemeChoice {
  if (color === 'light') return 'light';
  if (color === 'dark' || color === 'highcontrast') return 'dark';
  return 'auto';
}

/**
 * Light, dark or auto (follows `prefers-color-scheme`). Before login the choice lives in localStorage;
 * once logged in it follows the user's `ThemeSettings.color`, and a change is saved there too.
 * The effective theme is written to `<html data-theme>`, which the CSS custom properties key on.
 */
@Injectable({ providedIn: 'root' })
export class ThemeService {
  private readonly document = inject(DOCUMENT);
  private readonly session = inject(SessionStore);
  private readonly usersApi = inject(UsersApi);
  private readonly media = this.document.defaultView?.matchMedia?.('(prefers-color-scheme: dark)') ?? null;
  private readonly systemDark = signal(this.media?.matches ?? false);

  readonly choice = signal<ThemeChoice>(toThemeChoice(readStorage(this.document)));
  readonly effective = computed<'light' | 'dark'>(() => {
    const choice = this.choice();
    if (choice === 'auto') return this.systemDark() ? 'dark' : 'light';
    return choice;
  });

  constructor() {
    this.media?.addEventListener?.('change', (e) => this.systemDark.set(e.matches));
    effect(() => {
      this.document.documentElement.setAttribute('data-theme', this.effective());
    });
    // A user's saved theme wins over the browser's when they log in.
    effect(() => {
      const saved = this.session.user()?.ThemeSettings?.color;
      if (saved) {
        const choice = toThemeChoice(saved);
        untracked(() => {
          this.choice.set(choice);
          writeStorage(this.document, choice);
        });
      }
    });
  }

  /** Sets the theme now; saves it locally and, when logged in, on the user. */
  async set(choice: ThemeChoice): Promise<void> {
    this.choice.set(choice);
    writeStorage(this.document, choice);
    const user = this.session.user();
    if (!user) return;
    const color: ThemeColor = choice;
    const updated = await this.usersApi.update(user.Id, { theme: { color } });
    this.session.setUser({ ...user, ThemeSettings: updated?.ThemeSettings ?? { color } });
  }
}

function readStorage(doc: Document): string | null {
  try {
    return doc.defaultView?.localStorage.getItem(THEME_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function writeStorage(doc: Document, choice: ThemeChoice): void {
  try {
    doc.defaultView?.localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Private mode or disabled storage: the choice still applies for this page.
  }
}
