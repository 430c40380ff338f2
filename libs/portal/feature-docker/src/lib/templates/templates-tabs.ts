import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';

import { EnvironmentContext } from '../shell/environment-context';

/** The two template pages' switch: app templates and custom templates. */
@Component({
  selector: 'cap-templates-tabs',
  imports: [RouterLink, RouterLinkActive],
  template: `
    <nav class="tabs" aria-label="Templates">
      <a
        [routerLink]="base()"
        routerLinkActive="active"
        ariaCurrentWhenActive="page"
        [routerLinkActiveOptions]="{ exact: true }"
        data-testid="templates-tab-app"
        >App templates</a
      >
      <a
        [routerLink]="custom()"
        routerLinkActive="active"
        ariaCurrentWhenActive="page"
        data-testid="templates-tab-custom"
        >Custom templates</a
      >
    </nav>
  `,
  styles: `
    .tabs {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
      border-bottom: 1px solid var(--border);
      margin-bottom: 0.75rem;
    }
    .tabs a {
      padding: 0.4rem 0.8rem;
      text-decoration: none;
      color: var(--text);
      border-bottom: 2px solid transparent;
    }
    .tabs a.active {
      border-bottom-color: var(--accent);
      color: var(--accent-strong);
      font-weight: 600;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TemplatesTabs {
  private readonly ctx = inject(EnvironmentContext);
  protected readonly base = computed(() => ['/environments', this.ctx.envId(), 'docker', 'templates']);
  protected readonly custom = computed(() => [...this.base(), 'custom']);
}
