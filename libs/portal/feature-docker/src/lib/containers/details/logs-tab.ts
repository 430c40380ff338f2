import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterRenderEffect,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import {
  ContainersApi,
  type JsonSocketHandle,
  WEBSOCKET_FACTORY,
  errorMessage,
  openJsonSocket,
} from '@capstan/portal-data-access';

import { type LogLine, LogFrameDecoder, highlight, splitTimestamp, stripAnsi } from './log-lines';

/** Lines kept in the page; older ones drop off the top. */
export const MAX_LINES = 5000;

interface ShownLine {
  readonly n: number;
  readonly stream: LogLine['stream'];
  readonly time: string | null;
  readonly text: string;
}

/**
 * A container's logs: `/api/websocket/logs` (follow, tail, timestamps, since), or the proxy's HTTP log stream
 * when the WebSocket is unavailable. Search highlights (and optionally filters) lines; download saves what is
 * loaded as a .log file.
 */
@Component({
  selector: 'cap-container-logs',
  template: `
    <div class="toolbar logs-bar">
      <label class="check"
        ><input
          type="checkbox"
          data-testid="logs-follow"
          [checked]="follow()"
          (change)="follow.set($any($event.target).checked)"
        />
        Follow</label
      >
      <label class="check"
        ><input
          type="checkbox"
          data-testid="logs-timestamps"
          [checked]="timestamps()"
          (change)="timestamps.set($any($event.target).checked)"
        />
        Timestamps</label
      >
      <label class="field">
        <span>Lines</span>
        <select class="input" data-testid="logs-tail" (change)="tail.set($any($event.target).value)">
          @for (t of tails; track t) {
            <option [value]="t" [selected]="tail() === t">{{ t === 'all' ? 'All' : 'Last ' + t }}</option>
          }
        </select>
      </label>
      <label class="field">
        <span>Since</span>
        <input
          class="input"
          type="datetime-local"
          data-testid="logs-since"
          [value]="since()"
          (change)="since.set($any($event.target).value)"
        />
      </label>
      <label class="field grow">
        <span>Search</span>
        <input
          class="input"
          type="search"
          data-testid="logs-search"
          placeholder="Highlight text"
          [value]="query()"
          (input)="query.set($any($event.target).value)"
        />
      </label>
      <label class="check"
        ><input
          type="checkbox"
          data-testid="logs-only-matching"
          [checked]="onlyMatching()"
          (change)="onlyMatching.set($any($event.target).checked)"
        />
        Only matching</label
      >
      <button type="button" class="btn btn-sm" data-testid="logs-clear" (click)="clear()">Clear</button>
      <button
        type="button"
        class="btn btn-sm"
        data-testid="logs-download"
        [disabled]="!lines().length"
        (click)="download()"
      >
        Download .log
      </button>
    </div>
    <p class="muted status" data-testid="logs-status">
      {{ status() }} · {{ lines().length }} lines{{ query() ? ' · ' + matchCount() + ' matching' : '' }}
    </p>
    <div #box class="log" role="log" aria-live="off" tabindex="0" data-testid="logs-output">
      @for (l of shown(); track l.n) {
        <div class="line" [class.err]="l.stream === 'stderr'">
          @if (timestamps() && l.time) {
            <span class="ts">{{ l.time }}</span>
          }
          @for (s of segments(l.text); track $index) {
            @if (s.match) {
              <mark>{{ s.text }}</mark>
            } @else {
              <span>{{ s.text }}</span>
            }
          }
        </div>
      } @empty {
        <div class="muted">No log lines{{ query() && onlyMatching() ? ' match' : '' }}.</div>
      }
    </div>
  `,
  styles: `
    .logs-bar {
      align-items: end;
    }
    .field {
      display: grid;
      gap: 0.2rem;
      font-size: 0.85rem;
      font-weight: 600;
    }
    .field .input {
      font-weight: 400;
    }
    .grow {
      flex: 1 1 12rem;
    }
    .check {
      display: flex;
      gap: 0.35rem;
      align-items: center;
      min-height: 2.25rem;
    }
    .status {
      font-size: 0.85rem;
      margin: 0 0 0.4rem;
    }
    .log {
      background: #0d1117;
      color: #d6dde6;
      border: 1px solid var(--border);
      font-family: var(--mono);
      font-size: 0.82rem;
      line-height: 1.45;
      padding: 0.6rem 0.75rem;
      border-radius: var(--radius);
      height: min(60vh, 36rem);
      overflow: auto;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .line.err {
      color: #ff9b9a;
    }
    .ts {
      color: #8b98a8;
      margin-right: 0.6rem;
    }
    mark {
      background: #f2cc60;
      color: #111;
      border-radius: 2px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerLogs {
  readonly envId = input.required<number>();
  readonly containerId = input.required<string>();
  readonly containerName = input('container');
  /** The container has a TTY (raw log stream, no multiplexing) — for the HTTP fallback. */
  readonly tty = input(false);

  private readonly containers = inject(ContainersApi);
  private readonly socketFactory = inject(WEBSOCKET_FACTORY);
  private readonly box = viewChild<ElementRef<HTMLElement>>('box');

  protected readonly tails = ['100', '200', '1000', '5000', 'all'];
  readonly follow = signal(true);
  readonly timestamps = signal(false);
  readonly tail = signal('200');
  /** `datetime-local` value; empty: from the start (within `tail`). */
  readonly since = signal('');
  readonly query = signal('');
  readonly onlyMatching = signal(false);
  readonly lines = signal<ShownLine[]>([]);
  protected readonly status = signal('Connecting…');

  private socket: JsonSocketHandle | null = null;
  private abort: AbortController | null = null;
  private pending: ShownLine[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private counter = 0;
  private stickToBottom = true;

  readonly shown = computed(() => {
    const q = this.query().toLowerCase();
    if (!q || !this.onlyMatching()) return this.lines();
    return this.lines().filter((l) => l.text.toLowerCase().includes(q));
  });
  readonly matchCount = computed(() => {
    const q = this.query().toLowerCase();
    return q ? this.lines().filter((l) => l.text.toLowerCase().includes(q)).length : 0;
  });

  constructor() {
    effect(() => {
      const options = {
        envId: this.envId(),
        id: this.containerId(),
        follow: this.follow(),
        tail: this.tail(),
        since: this.since(),
      };
      untracked(() => this.open(options));
    });
    afterRenderEffect(() => {
      this.shown();
      const el = this.box()?.nativeElement;
      if (el && this.stickToBottom && this.follow()) el.scrollTop = el.scrollHeight;
    });
    inject(DestroyRef).onDestroy(() => this.close());
  }

  protected segments(text: string) {
    return highlight(text, this.query());
  }

  clear(): void {
    this.lines.set([]);
  }

  /** Lines as loaded, with their timestamps when shown, one per line. */
  logText(): string {
    return this.lines()
      .map((l) => (this.timestamps() && l.time ? `${l.time} ${l.text}` : l.text))
      .join('\n');
  }

  protected download(): void {
    const blob = new Blob([this.logText() + '\n'], { type: 'text/plain' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${this.containerName()}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  /** Adds raw lines (as the stream delivers them); batched into the view every 50 ms. */
  receive(lines: LogLine[]): void {
    for (const l of lines) {
      const { time, text } = splitTimestamp(l.line);
      this.pending.push({ n: this.counter++, stream: l.stream, time, text: stripAnsi(text) });
    }
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(), 50);
  }

  private flush(): void {
    this.flushTimer = null;
    const el = this.box()?.nativeElement;
    this.stickToBottom = !el || el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    const next = [...this.lines(), ...this.pending];
    this.pending = [];
    this.lines.set(next.length > MAX_LINES ? next.slice(next.length - MAX_LINES) : next);
  }

  private open(o: { envId: number; id: string; follow: boolean; tail: string; since: string }): void {
    this.close();
    this.lines.set([]);
    this.pending = [];
    this.status.set('Connecting…');
    const since = o.since ? String(Math.floor(new Date(o.since).getTime() / 1000)) : undefined;
    // Timestamps are always asked for, so toggling them does not reload; they are shown or not.
    const url = this.containers.logsSocketUrl(o.envId, o.id, {
      follow: o.follow,
      tail: o.tail,
      timestamps: true,
      since,
    });
    this.socket = openJsonSocket<LogLine>(this.socketFactory, url, {
      message: (line) => this.receive([line]),
      state: (state) => {
        if (state === 'open') this.status.set(o.follow ? 'Following' : 'Loading…');
        else if (state === 'closed') this.status.set('Stream ended');
        else if (state === 'failed') {
          this.socket = null;
          void this.fallback(o, since);
        }
      },
    });
  }

  /** No logs WebSocket: the proxy's HTTP log stream, decoded here. */
  private async fallback(o: { envId: number; id: string; follow: boolean; tail: string }, since?: string) {
    const abort = new AbortController();
    this.abort = abort;
    try {
      const response = await this.containers.logs(
        o.envId,
        o.id,
        { follow: o.follow, tail: o.tail, timestamps: true, since },
        { signal: abort.signal },
      );
      const tty = this.tty() || (response.headers.get('content-type') ?? '').includes('raw-stream');
      const decoder = new LogFrameDecoder(tty);
      const reader = response.body?.getReader();
      this.status.set(o.follow ? 'Following (HTTP)' : 'Loading (HTTP)…');
      for (;;) {
        if (!reader) break;
        const { done, value } = await reader.read();
        if (done) break;
        this.receive(decoder.push(value));
      }
      this.receive(decoder.end());
      if (!abort.signal.aborted) this.status.set('Stream ended');
    } catch (error) {
      if (!abort.signal.aborted) this.status.set(`Could not read the logs: ${errorMessage(error)}`);
    }
  }

  private close(): void {
    this.socket?.close();
    this.socket = null;
    this.abort?.abort();
    this.abort = null;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }
}
