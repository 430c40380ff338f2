import { Location } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, NavigationEnd, Router, RouterLink } from '@angular/router';
import { filter, map } from 'rxjs';

import { EmptyState } from './empty-state';

export type StatusPageKind = 'not-found' | 'not-allowed';

const TEXT: Record<StatusPageKind, { icon: string; title: string; message: string }> = {
  'not-found': {
    icon: '404',
    title: 'Page not found',
    message: 'There is no page at this address. It may have been removed, or the link is mistyped.',
  },
  'not-allowed': {
    icon: '⊘',
    title: 'Not allowed',
    message:
      'Your role does not let you open this page. An administrator can give you access if you need it.',
  },
};

/**
 * What an unknown address or a page the user may not open shows, instead of a silent fall-back to Home. The
 * address bar keeps what was asked for (the guard redirects with `browserUrl`), and the page repeats it.
 * Which of the two: the route's `data.kind`.
 */
@Component({
  selector: 'cap-status-page',
  imports: [EmptyState, RouterLink],
  template: `
    @let t = text();
    <cap-empty-state [icon]="t.icon" [title]="t.title" [message]="t.message">
      @if (path()) {
        <p class="mono path" data-testid="status-path">{{ path() }}</p>
      }
      <a class="btn btn-primary" routerLink="/home" data-testid="status-home">Go to Home</a>
    </cap-empty-state>
  `,
  styles: `
    .path {
      margin: 0;
      overflow-wrap: anywhere;
      color: var(--text-muted);
    }
  `,
  host: { '[attr.data-testid]': "'page-' + kind()" },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StatusPage {
  protected readonly kind = toSignal(
    inject(ActivatedRoute).data.pipe(
      map((d): StatusPageKind => (d['kind'] === 'not-allowed' ? 'not-allowed' : 'not-found')),
    ),
    { initialValue: 'not-found' },
  );
  private readonly location = inject(Location);
  protected readonly text = computed(() => TEXT[this.kind()]);
  /**
   * The address the user asked for: the browser's, which a `browserUrl` redirect keeps. Read again
   * after each navigation, since one unknown address after another reuses this page.
   */
  protected readonly path = toSignal(
    inject(Router).events.pipe(
      filter((e) => e instanceof NavigationEnd),
      map(() => this.location.path()),
    ),
    { initialValue: this.location.path() },
  );
}
