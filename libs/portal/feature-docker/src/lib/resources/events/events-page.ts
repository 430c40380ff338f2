import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import {
  EngineApi,
  type DockerEvent,
  type JsonSocketHandle,
  type LiveState,
  WEBSOCKET_FACTORY,
  errorMessage,
  eventKey,
  eventSubject,
  isDockerEvent,
  openJsonSocket,
  readJsonLines,
} from '@capstan/portal-data-access';
import { Alert, PageHeader, formatTime } from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';

/** Most events kept on screen; older ones fall off. */
export const MAX_EVENTS = 500;
/** How far back the polling fallback reads on its first call, and how often it polls. */
const FALLBACK_WINDOW_S = 3600;
const FALLBACK_POLL_MS = 5000;

type Source = 'connecting' | 'live' | 'polling' | 'stopped';

const TYPES = [
  'container',
  'image',
  'volume',
  'network',
  'daemon',
  'plugin',
  'service',
  'node',
  'secret',
  'config',
];

/**
 * Docker events of the environment, newest first. Live over `/api/websocket/events`; when that socket is
 * refused, reads `GET /events?since=&until=` through the proxy every few seconds instead. Pause holds new
 * events back (counted) until resumed.
 */
@Component({
  selector: 'cap-events-page',
  imports: [Alert, PageHeader],
  template: `
    <cap-page-header title="Events" subtitle="What happens on the engine, as it happens.">
      <span class="status" data-testid="events-source" [class.live]="source() === 'live'">
        {{ sourceLabel() }}
      </span>
      <button
        type="button"
        class="btn"
        data-testid="events-pause"
        [attr.aria-pressed]="paused()"
        (click)="togglePause()"
      >
        {{ paused() ? '▶ Resume' : '❚❚ Pause' }}
        @if (paused() && held().length) {
          <span class="badge badge-accent">{{ held().length }} new</span>
        }
      </button>
      <button type="button" class="btn btn-ghost" data-testid="events-clear" (click)="events.set([])">
        Clear
      </button>
    </cap-page-header>

    @if (ctx.readOnly()) {
      <cap-alert kind="info" testId="events-unreachable">
        The engine is unreachable: new events show here once it answers again.
      </cap-alert>
    } @else if (error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }

    <div class="toolbar">
      <label>
        <span class="label">Type</span>
        <select class="input" data-testid="events-type" (change)="type.set($any($event.target).value)">
          <option value="" [selected]="type() === ''">All types</option>
          @for (t of types; track t) {
            <option [value]="t" [selected]="type() === t">{{ t }}</option>
          }
        </select>
      </label>
      <label class="grow">
        <span class="label">Action</span>
        <input
          class="input"
          type="search"
          placeholder="e.g. start, die, pull"
          data-testid="events-action"
          [value]="action()"
          (input)="action.set($any($event.target).value)"
        />
      </label>
      <span class="muted count" data-testid="events-count"
        >{{ shown().length }} of {{ events().length }}</span
      >
    </div>

    <div class="table-wrap">
      <table class="table table-top">
        <caption class="sr-only">
          Docker events
        </caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Action</th>
            <th scope="col">Subject</th>
            <th scope="col" class="secondary">Attributes</th>
          </tr>
        </thead>
        <tbody aria-live="polite">
          @for (e of shown(); track e.key) {
            <tr [attr.data-testid]="'event-' + e.event.Type + '-' + e.event.Action">
              <td class="nowrap">{{ e.time }}</td>
              <td>
                <span class="badge">{{ e.event.Type }}</span>
              </td>
              <td>
                <strong>{{ e.event.Action }}</strong>
              </td>
              <td class="mono subject">{{ e.subject }}</td>
              <td class="secondary attrs mono">{{ e.attributes }}</td>
            </tr>
          } @empty {
            <tr>
              <td colspan="5" class="empty">
                {{
                  events().length
                    ? 'No event matches the filters.'
                    : 'No events yet; they appear here as they happen.'
                }}
              </td>
            </tr>
          }
        </tbody>
      </table>
    </div>
  `,
  styles: `
    .status {
      align-self: center;
      font-size: 0.85rem;
      color: var(--text-muted);
    }
    .status.live::before {
      content: '●';
      color: var(--success);
      margin-right: 0.3rem;
    }
    .label {
      display: block;
      font-size: 0.85rem;
      font-weight: 600;
      margin-bottom: 0.2rem;
    }
    .grow {
      flex: 1 1 12rem;
      max-width: 20rem;
    }
    .count {
      margin-left: auto;
      align-self: center;
    }
    .nowrap {
      white-space: nowrap;
    }
    .subject,
    .attrs {
      overflow-wrap: anywhere;
    }
    .attrs {
      font-size: 0.78rem;
      color: var(--text-muted);
    }
    @media (max-width: 768px) {
      .secondary {
        display: none;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EventsPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly engine = inject(EngineApi);
  private readonly socketFactory = inject(WEBSOCKET_FACTORY);
  protected readonly types = TYPES;

  readonly events = signal<{ key: string; event: DockerEvent }[]>([]);
  protected readonly held = signal<DockerEvent[]>([]);
  protected readonly paused = signal(false);
  protected readonly source = signal<Source>('connecting');
  protected readonly error = signal<string | null>(null);
  protected readonly type = signal('');
  protected readonly action = signal('');
  protected readonly shown = computed(() => {
    const type = this.type();
    const action = this.action().trim().toLowerCase();
    return this.events()
      .filter(
        ({ event }) =>
          (!type || event.Type === type) && (!action || event.Action.toLowerCase().includes(action)),
      )
      .map(({ key, event }) => ({
        key,
        event,
        time: formatTime(event.time, { seconds: true }),
        subject: eventSubject(event),
        attributes: Object.entries(event.Actor?.Attributes ?? {})
          .filter(([k]) => k !== 'name')
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      }));
  });
  protected readonly sourceLabel = computed(() => {
    switch (this.source()) {
      case 'connecting':
        return 'Connecting…';
      case 'live':
        return 'Live';
      case 'polling':
        return `Polling every ${FALLBACK_POLL_MS / 1000} s`;
      case 'stopped':
        return 'Disconnected';
    }
  });

  private socket: JsonSocketHandle | null = null;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private pollAbort: AbortController | null = null;
  private since = 0;
  private destroyed = false;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
    queueMicrotask(() => {
      if (!this.destroyed) this.connect();
    });
  }

  protected togglePause(): void {
    if (this.paused()) {
      const held = this.held();
      this.held.set([]);
      this.paused.set(false);
      this.add(held);
    } else {
      this.paused.set(true);
    }
  }

  /** New events: on top of the list, or held while paused. */
  private receive(list: DockerEvent[]): void {
    if (!list.length) return;
    if (this.paused()) this.held.update((h) => [...h, ...list].slice(-MAX_EVENTS));
    else this.add(list);
  }

  private add(list: DockerEvent[]): void {
    this.events.update((current) => {
      const seen = new Set(current.map((e) => e.key));
      const fresh = list
        .map((event) => ({ key: eventKey(event), event }))
        .filter((e) => !seen.has(e.key) && seen.add(e.key))
        .reverse();
      return [...fresh, ...current].slice(0, MAX_EVENTS);
    });
  }

  private connect(): void {
    const url = this.engine.eventsSocketUrl(this.ctx.envId());
    this.socket = openJsonSocket<unknown>(this.socketFactory, url, {
      message: (value) => {
        if (isDockerEvent(value)) this.receive([value]);
      },
      state: (state: LiveState) => {
        if (state === 'open') this.source.set('live');
        else if (state === 'failed') {
          this.socket = null;
          this.startPolling();
        } else if (state === 'closed') this.source.set('stopped');
      },
    });
  }

  private startPolling(): void {
    if (this.destroyed) return;
    this.source.set('polling');
    this.since = Math.floor(Date.now() / 1000) - FALLBACK_WINDOW_S;
    void this.poll();
  }

  /** One bounded read (`until` = now, so the engine closes the stream), then the next one later. */
  private async poll(): Promise<void> {
    const until = Math.floor(Date.now() / 1000);
    this.pollAbort = new AbortController();
    try {
      const response = await this.engine.events(
        this.ctx.envId(),
        { since: this.since, until },
        { signal: this.pollAbort.signal },
      );
      const batch: DockerEvent[] = [];
      if (response.body)
        for await (const value of readJsonLines(response.body)) if (isDockerEvent(value)) batch.push(value);
      this.receive(batch);
      // Overlap by a second: an event in the boundary second is read twice and de-duplicated by key.
      this.since = until - 1;
      this.error.set(null);
    } catch (error) {
      if (this.destroyed) return;
      this.error.set(`Could not read the events: ${errorMessage(error)}`);
    } finally {
      this.pollAbort = null;
    }
    if (!this.destroyed) this.pollTimer = setTimeout(() => void this.poll(), FALLBACK_POLL_MS);
  }

  private stop(): void {
    this.destroyed = true;
    this.socket?.close();
    this.pollAbort?.abort();
    if (this.pollTimer) clearTimeout(this.pollTimer);
  }
}
