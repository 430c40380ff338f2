import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  ViewEncapsulation,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { ContainersApi, WEBSOCKET_FACTORY, errorMessage } from '@capstan/portal-data-access';
import type { FitAddon } from '@xterm/addon-fit';
import type { Terminal } from '@xterm/xterm';

import { splitCommand } from '../../shared/docker-models';

type Mode = 'exec' | 'attach';

/**
 * An interactive console in xterm.js: `exec` runs a command (sh, bash or custom, as a chosen user) through
 * `POST /containers/{id}/exec` and `/api/websocket/exec`; `attach` joins the main process through
 * `/api/websocket/attach`. The terminal fits its box and tells the engine its size.
 */
@Component({
  selector: 'cap-container-console',
  styleUrl: '../../../../../../../node_modules/@xterm/xterm/css/xterm.css',
  // xterm's own stylesheet targets its generated DOM: no view encapsulation for it.
  encapsulation: ViewEncapsulation.None,
  template: `
    <div class="toolbar console-bar">
      <label class="cf">
        <span>Mode</span>
        <select
          class="input"
          data-testid="console-mode"
          [disabled]="connected()"
          (change)="mode.set($any($event.target).value)"
        >
          <option value="exec" [selected]="mode() === 'exec'">Run a command (exec)</option>
          <option value="attach" [selected]="mode() === 'attach'">Attach to the main process</option>
        </select>
      </label>
      @if (mode() === 'exec') {
        <label class="cf">
          <span>Command</span>
          <select
            class="input"
            data-testid="console-command"
            [disabled]="connected()"
            (change)="command.set($any($event.target).value)"
          >
            @for (c of commands; track c) {
              <option [value]="c" [selected]="command() === c">{{ c === 'custom' ? 'Custom…' : c }}</option>
            }
          </select>
        </label>
        @if (command() === 'custom') {
          <label class="cf">
            <span>Custom command</span>
            <input
              class="input mono"
              data-testid="console-custom"
              [disabled]="connected()"
              [value]="custom()"
              (input)="custom.set($any($event.target).value)"
            />
          </label>
        }
        <label class="cf">
          <span>User</span>
          <input
            class="input mono"
            data-testid="console-user"
            placeholder="default"
            [disabled]="connected()"
            [value]="user()"
            (input)="user.set($any($event.target).value)"
          />
        </label>
      }
      @if (connected()) {
        <button type="button" class="btn btn-sm" data-testid="console-disconnect" (click)="disconnect()">
          Disconnect
        </button>
      } @else {
        <button
          type="button"
          class="btn btn-sm btn-primary"
          data-testid="console-connect"
          [disabled]="busy()"
          (click)="connect()"
        >
          Connect
        </button>
      }
    </div>
    @if (error(); as message) {
      <p class="console-error" role="alert" data-testid="console-error">{{ message }}</p>
    }
    <p class="muted console-status" data-testid="console-status">{{ status() }}</p>
    <div #term class="console-term" data-testid="console-terminal"></div>
  `,
  styles: `
    cap-container-console {
      display: block;
    }
    cap-container-console .console-bar {
      align-items: end;
    }
    cap-container-console .cf {
      display: grid;
      gap: 0.2rem;
      font-size: 0.85rem;
      font-weight: 600;
    }
    cap-container-console .console-term {
      height: min(60vh, 30rem);
      background: #0d1117;
      border: 1px solid var(--border);
      padding: 0.4rem;
      border-radius: var(--radius);
    }
    cap-container-console .console-error {
      color: var(--danger-text);
    }
    cap-container-console .console-status {
      font-size: 0.85rem;
      margin: 0 0 0.4rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerConsole {
  readonly envId = input.required<number>();
  readonly containerId = input.required<string>();

  private readonly containers = inject(ContainersApi);
  private readonly socketFactory = inject(WEBSOCKET_FACTORY);
  private readonly host = viewChild.required<ElementRef<HTMLElement>>('term');

  protected readonly commands = ['/bin/sh', '/bin/bash', 'custom'];
  readonly mode = signal<Mode>('exec');
  readonly command = signal('/bin/sh');
  readonly custom = signal('');
  readonly user = signal('');
  readonly connected = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly status = signal('Not connected.');

  private term: Terminal | null = null;
  private fit: FitAddon | null = null;
  private socket: WebSocket | null = null;
  private execId: string | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private resizeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.disconnect();
      this.term?.dispose();
      this.resizeObserver?.disconnect();
    });
  }

  async connect(): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const term = await this.terminal();
      term.reset();
      const envId = this.envId();
      let url: string;
      if (this.mode() === 'exec') {
        const cmd = this.command() === 'custom' ? splitCommand(this.custom()) : [this.command()];
        if (!cmd.length) throw new Error('Enter a command.');
        this.status.set(`Starting ${cmd.join(' ')}…`);
        const exec = await this.containers.createExec(envId, this.containerId(), {
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
          Tty: true,
          Cmd: cmd,
          User: this.user().trim() || undefined,
          Env: ['TERM=xterm-256color'],
        });
        this.execId = exec.Id;
        url = this.containers.execSocketUrl(envId, exec.Id);
      } else {
        this.execId = null;
        url = this.containers.attachSocketUrl(envId, this.containerId());
      }
      this.open(url, term);
    } catch (error) {
      this.error.set(errorMessage(error));
      this.status.set('Not connected.');
    } finally {
      this.busy.set(false);
    }
  }

  disconnect(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
    this.connected.set(false);
    this.status.set('Disconnected.');
  }

  private open(url: string, term: Terminal): void {
    const socket = this.socketFactory(url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.connected.set(true);
      this.status.set(
        this.mode() === 'exec' ? 'Connected.' : 'Attached (Ctrl-P Ctrl-Q detaches a -it container).',
      );
      term.focus();
      this.sendSize();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') term.write(event.data);
      else if (event.data instanceof Blob)
        void event.data.arrayBuffer().then((b) => term.write(new Uint8Array(b)));
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.connected.set(false);
      if (!opened) this.error.set('The console could not be opened (refused by the server or the engine).');
      this.status.set(opened ? 'Session ended.' : 'Not connected.');
    };
  }

  /** Loads xterm.js on first use (it stays out of every other page's bundle). */
  private async terminal(): Promise<Terminal> {
    if (this.term) return this.term;
    const [{ Terminal }, { FitAddon }] = await Promise.all([
      import('@xterm/xterm'),
      import('@xterm/addon-fit'),
    ]);
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      fontSize: 13,
      theme: { background: '#0d1117', foreground: '#d6dde6' },
      convertEol: false,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(this.host().nativeElement);
    fit.fit();
    term.onData((data) => {
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(data);
    });
    term.onResize(() => this.scheduleResize());
    this.resizeObserver = new ResizeObserver(() => this.fit?.fit());
    this.resizeObserver.observe(this.host().nativeElement);
    this.term = term;
    this.fit = fit;
    return term;
  }

  private scheduleResize(): void {
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => this.sendSize(), 150);
  }

  /** Tells the engine the terminal's size (exec: `/exec/{id}/resize`, attach: `/containers/{id}/resize`). */
  private sendSize(): void {
    const term = this.term;
    if (!term || !this.connected()) return;
    const target = this.execId ? { execId: this.execId } : { containerId: this.containerId() };
    this.containers.resize(this.envId(), target, term.rows, term.cols).catch(() => undefined);
  }
}
