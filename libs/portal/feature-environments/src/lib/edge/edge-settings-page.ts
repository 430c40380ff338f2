import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { AdminApi, LoadState, errorMessage } from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField, PageHeader, ToastService } from '@capstan/portal-ui';

interface EdgeForm {
  url: string;
  tunnel: string;
  checkin: number;
  ping: number;
  snapshot: number;
  command: number;
  trust: boolean;
}

/** Edge settings: addresses put in keys, the poll interval, async intervals, automatic trust of new devices. */
@Component({
  selector: 'cap-edge-settings-page',
  imports: [Alert, FormControlDirective, FormField, PageHeader, RouterLink],
  template: `
    <cap-page-header title="Edge settings" subtitle="How edge agents reach this server, and how often.">
      <a class="btn" routerLink="/environments/edge/new">Add an edge agent</a>
    </cap-page-header>
    @if (state.error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    <form class="card form" novalidate (submit)="save($event)">
      <cap-form-field label="Server URL in keys" hint="Empty: the URL the creation request came in on.">
        <input
          capControl
          class="input mono"
          data-testid="edge-set-url"
          [value]="form().url"
          (input)="set('url', $any($event.target).value)"
        />
      </cap-form-field>
      <cap-form-field
        label="Tunnel address (host:port)"
        hint="Empty: the server URL's host and the tunnel port (8000)."
      >
        <input
          capControl
          class="input mono"
          data-testid="edge-set-tunnel"
          [value]="form().tunnel"
          (input)="set('tunnel', $any($event.target).value)"
        />
      </cap-form-field>
      <cap-form-field
        label="Poll interval (seconds)"
        hint="Standard agents; an environment's own interval wins."
      >
        <input
          capControl
          class="input narrow"
          type="number"
          min="1"
          max="3600"
          data-testid="edge-set-checkin"
          [value]="form().checkin"
          (input)="set('checkin', +$any($event.target).value)"
        />
      </cap-form-field>
      <fieldset class="group">
        <legend class="label">Async agents (seconds; 0 turns one off)</legend>
        <div class="row">
          <cap-form-field label="Ping">
            <input
              capControl
              class="input narrow"
              type="number"
              min="0"
              data-testid="edge-set-ping"
              [value]="form().ping"
              (input)="set('ping', +$any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="Snapshot">
            <input
              capControl
              class="input narrow"
              type="number"
              min="0"
              data-testid="edge-set-snapshot"
              [value]="form().snapshot"
              (input)="set('snapshot', +$any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="Command">
            <input
              capControl
              class="input narrow"
              type="number"
              min="0"
              data-testid="edge-set-command"
              [value]="form().command"
              (input)="set('command', +$any($event.target).value)"
            />
          </cap-form-field>
        </div>
      </fieldset>
      <label class="check"
        ><input
          type="checkbox"
          data-testid="edge-set-trust"
          [checked]="form().trust"
          (change)="set('trust', $any($event.target).checked)"
        />
        Trust new devices automatically (no waiting room for global keys)</label
      >
      @if (error(); as message) {
        <cap-alert kind="error">{{ message }}</cap-alert>
      }
      <button
        type="submit"
        class="btn btn-primary"
        data-testid="edge-set-save"
        [disabled]="busy() || state.loading()"
      >
        Save
      </button>
    </form>
  `,
  styles: `
    .form {
      max-width: 44rem;
    }
    .narrow {
      max-width: 8rem;
    }
    .group {
      border: 0;
      padding: 0;
      margin: 0;
    }
    .label {
      font-weight: 600;
      font-size: 0.9rem;
      margin-bottom: 0.4rem;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0 1rem;
    }
    .check {
      display: block;
      margin-bottom: 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EdgeSettingsPage {
  private readonly api = inject(AdminApi);
  private readonly toasts = inject(ToastService);
  protected readonly state = new LoadState();
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly form = signal<EdgeForm>({
    url: '',
    tunnel: '',
    checkin: 5,
    ping: 60,
    snapshot: 60,
    command: 60,
    trust: false,
  });

  constructor() {
    void this.state.run('the edge settings', async () => {
      const s = await this.api.settings();
      this.form.set({
        url: s.EdgePortainerURL,
        tunnel: s.TunnelServerAddress,
        checkin: s.EdgeAgentCheckinInterval,
        ping: s.Edge.PingInterval ?? 60,
        snapshot: s.Edge.SnapshotInterval ?? 60,
        command: s.Edge.CommandInterval ?? 60,
        trust: s.TrustOnFirstConnect,
      });
    });
  }

  protected set<K extends keyof EdgeForm>(key: K, value: EdgeForm[K]): void {
    this.form.update((f) => ({ ...f, [key]: value }));
  }

  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    const f = this.form();
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.api.updateSettings({
        EdgePortainerURL: f.url.trim(),
        TunnelServerAddress: f.tunnel.trim(),
        EdgeAgentCheckinInterval: f.checkin,
        Edge: { PingInterval: f.ping, SnapshotInterval: f.snapshot, CommandInterval: f.command },
        TrustOnFirstConnect: f.trust,
      });
      this.toasts.success('Edge settings saved');
    } catch (e) {
      this.error.set(errorMessage(e));
    } finally {
      this.busy.set(false);
    }
  }
}
