import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { Permission } from '@capstan/contracts-api';
import { SwarmApi, type Webhook, WebhooksApi, errorMessage } from '@capstan/portal-data-access';
import { Alert, ConfirmService, ToastService, confirmedAction, formatTime } from '@capstan/portal-ui';

import { KeyValueEditor } from '../resources/shared/key-value-editor';
import { LogFrameDecoder } from '../containers/details/log-lines';
import { canManage } from '../resources/shared/permissions';
import { reloadOnEnvironment } from '../resources/shared/reload';
import { EnvironmentContext } from '../shell/environment-context';
import {
  type EnvRow,
  type SwarmNode,
  type SwarmService,
  type SwarmTask,
  envRows,
  nodeName,
  portsText,
  replicasText,
  scaledSpec,
  serviceMode,
  updatedSpec,
} from './swarm-models';

const MAX_LOG_LINES = 2000;

/**
 * One service: overview, tasks grouped by node, scale, rolling update (image and environment), rollback,
 * logs (followed through the proxy), its webhook, remove.
 */
@Component({
  selector: 'cap-service-detail-page',
  imports: [Alert, KeyValueEditor, RouterLink],
  template: `
    <a routerLink=".." class="back" data-testid="service-back">← Services</a>
    @if (error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    }
    @if (service(); as s) {
      <header class="head">
        <h2 class="mono" data-testid="service-name-title">{{ s.Spec.Name }}</h2>
        <span class="badge">{{ mode(s) }}</span>
        <span class="badge" data-testid="service-detail-replicas">{{ replicas() }}</span>
        @if (s.UpdateStatus?.State; as state) {
          <span class="badge" data-testid="service-update-state" [title]="s.UpdateStatus?.Message ?? ''"
            >update {{ state }}</span
          >
        }
        <span class="grow"></span>
        <button type="button" class="btn btn-ghost" data-testid="service-refresh" (click)="load()">
          ↻ Refresh
        </button>
        @if (manage()) {
          @if (s.PreviousSpec) {
            <button type="button" class="btn" data-testid="service-rollback" (click)="rollback()">
              Roll back
            </button>
          }
          <button type="button" class="btn btn-danger" data-testid="service-detail-remove" (click)="remove()">
            Remove
          </button>
        }
      </header>
      <dl class="facts">
        <dt>Id</dt>
        <dd class="mono">{{ s.ID }}</dd>
        <dt>Image</dt>
        <dd class="mono" data-testid="service-image-value">{{ s.Spec.TaskTemplate.ContainerSpec.Image }}</dd>
        <dt>Ports</dt>
        <dd class="mono">{{ ports() || '—' }}</dd>
        <dt>Constraints</dt>
        <dd class="mono">{{ (s.Spec.TaskTemplate.Placement?.Constraints ?? []).join(', ') || '—' }}</dd>
        <dt>Update config</dt>
        <dd>
          parallelism {{ s.Spec.UpdateConfig?.Parallelism ?? 1 }}, delay
          {{ (s.Spec.UpdateConfig?.Delay ?? 0) / 1e9 }} s, on failure
          {{ s.Spec.UpdateConfig?.FailureAction ?? 'pause' }},
          {{ s.Spec.UpdateConfig?.Order ?? 'stop-first' }}
        </dd>
        <dt>Updated</dt>
        <dd>{{ time(s.UpdatedAt) }} (version {{ s.Version.Index }})</dd>
      </dl>

      @if (manage()) {
        <section class="card panel">
          <h3>Scale and update</h3>
          @if (s.Spec.Mode.Replicated) {
            <div class="row">
              <label
                >Replicas
                <input
                  class="input narrow"
                  type="number"
                  min="0"
                  data-testid="service-detail-scale-input"
                  [value]="s.Spec.Mode.Replicated.Replicas ?? 0"
                  #n
                />
              </label>
              <button type="button" class="btn" data-testid="service-detail-scale" (click)="scale(n.value)">
                Scale
              </button>
            </div>
          }
          <label class="block"
            >Image
            <input
              class="input mono"
              data-testid="service-update-image"
              [value]="image()"
              (input)="image.set($any($event.target).value)"
            />
          </label>
          <cap-key-value-editor
            legend="Environment"
            testId="service-update-env"
            keyLabel="NAME"
            addLabel="Variable"
            [(pairs)]="env"
          />
          <button
            type="button"
            class="btn btn-primary"
            data-testid="service-update"
            [disabled]="!image().trim()"
            (click)="update()"
          >
            Update (rolling)
          </button>
        </section>

        <section class="card panel" data-testid="service-webhook">
          <h3>Webhook</h3>
          <label class="check">
            <input
              type="checkbox"
              data-testid="service-webhook-toggle"
              [checked]="!!webhook()"
              (change)="toggleWebhook($any($event.target).checked)"
            />
            A URL that redeploys this service (POST, no credentials; <span class="mono">?tag=</span> replaces
            the image tag)
          </label>
          @if (webhookUrl(); as url) {
            <code class="mono url" data-testid="service-webhook-url">{{ url }}</code>
          }
        </section>
      }

      <h3>Tasks by node</h3>
      <div class="nodes" data-testid="service-tasks">
        @for (group of tasksByNode(); track group.node) {
          <div class="card node" [attr.data-testid]="'service-node-' + group.node">
            <h4 class="mono">{{ group.node }}</h4>
            <ul>
              @for (t of group.tasks; track t.ID) {
                <li [attr.data-testid]="'task-' + t.ID.slice(0, 12)">
                  <span class="mono">{{ s.Spec.Name }}.{{ t.Slot ?? '' }}</span>
                  <span
                    class="badge"
                    [class.badge-success]="t.Status.State === 'running'"
                    [class.badge-danger]="t.Status.State === 'failed' || t.Status.State === 'rejected'"
                    >{{ t.Status.State }}</span
                  >
                  <span class="muted small"
                    >desired {{ t.DesiredState }}{{ t.Status.Err ? ' — ' + t.Status.Err : '' }}</span
                  >
                </li>
              }
            </ul>
          </div>
        } @empty {
          <p class="muted">No tasks.</p>
        }
      </div>

      <h3>Logs</h3>
      <div class="row">
        <label class="check"
          ><input
            type="checkbox"
            data-testid="service-logs-follow"
            [checked]="following()"
            (change)="toggleFollow($any($event.target).checked)"
          />
          Follow</label
        >
        <button type="button" class="btn btn-sm" data-testid="service-logs-load" (click)="loadLogs()">
          Load last 200 lines
        </button>
        <span class="muted small" data-testid="service-logs-status">{{ logStatus() }}</span>
      </div>
      <pre
        class="logs mono"
        data-testid="service-logs"
      >@for (l of logs(); track $index) {<span [class.stderr]="l.stream === 'stderr'">{{ l.line }}
</span>}</pre>
    }
  `,
  styles: `
    .back {
      text-decoration: none;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
      margin: 0.5rem 0;
    }
    .head h2 {
      margin: 0;
      font-size: 1.2rem;
    }
    .grow {
      flex: 1;
    }
    .facts {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.25rem 1rem;
    }
    .facts dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .panel {
      padding: 0.75rem 1rem;
      margin: 1rem 0;
      display: grid;
      gap: 0.5rem;
    }
    .panel h3 {
      margin: 0;
      font-size: 1rem;
    }
    .row .input {
      flex: 1 1 8rem;
      width: auto;
      min-width: 0;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    .block {
      display: grid;
      gap: 0.2rem;
    }
    /* The box sits in its label, not in the row: .row .input's width: auto would make it ~20 characters. */
    .row .input.narrow {
      flex: none;
      width: 5rem;
    }
    .url {
      overflow-wrap: anywhere;
    }
    .nodes {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(min(16rem, 100%), 1fr));
      align-items: start;
      gap: 0.75rem;
    }
    /* Side by side: the grid's gap, not the global .card + .card margin, spaces the cards. */
    .nodes > .card + .card {
      margin-top: 0;
    }
    .node {
      padding: 0.5rem 0.75rem;
    }
    .node h4 {
      margin: 0 0 0.25rem;
    }
    .node ul {
      margin: 0;
      padding-left: 1rem;
    }
    /* Angular drops the whitespace between the task's name, state badge and note. */
    .node li > span + span {
      margin-left: 0.35rem;
    }
    .small {
      font-size: 0.8rem;
    }
    .logs {
      max-height: 24rem;
      overflow: auto;
      border: 1px solid var(--border);
      padding: 0.5rem;
      font-size: 0.8rem;
      white-space: pre-wrap;
    }
    .logs:empty {
      display: none;
    }
    .stderr {
      color: var(--danger);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ServiceDetailPage {
  protected readonly ctx = inject(EnvironmentContext);
  private readonly webhooks = inject(WebhooksApi);
  private readonly swarm = inject(SwarmApi);
  private readonly toasts = inject(ToastService);
  private readonly confirm = inject(ConfirmService);
  private readonly act = confirmedAction();
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly time = formatTime;
  protected readonly mode = serviceMode;

  protected readonly service = signal<SwarmService | null>(null);
  protected readonly tasks = signal<SwarmTask[]>([]);
  protected readonly nodes = signal<SwarmNode[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly image = signal('');
  protected readonly env = signal<EnvRow[]>([]);
  protected readonly webhook = signal<Webhook | null>(null);
  protected readonly logs = signal<{ stream: string; line: string }[]>([]);
  protected readonly following = signal(false);
  protected readonly logStatus = signal('');
  private follow: AbortController | null = null;

  protected readonly manage = computed(() => {
    const s = this.service();
    return !!s && canManage(this.ctx, s);
  });
  protected readonly replicas = computed(() => {
    const s = this.service();
    return s ? replicasText(s, this.tasks()) : '';
  });
  protected readonly ports = computed(() =>
    portsText(this.service()?.Endpoint?.Ports ?? this.service()?.Spec.EndpointSpec?.Ports),
  );
  protected readonly webhookUrl = computed(() => {
    const w = this.webhook();
    return w ? `${globalThis.location?.origin ?? ''}/api/webhooks/${w.Token}` : null;
  });
  /** Current tasks (not the shut-down history) grouped by node name, nodes sorted. */
  protected readonly tasksByNode = computed(() => {
    const byId = new Map(this.nodes().map((n) => [n.ID, nodeName(n)]));
    const groups = new Map<string, SwarmTask[]>();
    for (const t of this.tasks()) {
      if (t.DesiredState === 'shutdown' && t.Status.State !== 'running') continue;
      const node = t.NodeID ? (byId.get(t.NodeID) ?? t.NodeID.slice(0, 12)) : 'unassigned';
      groups.set(node, [...(groups.get(node) ?? []), t]);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([node, tasks]) => ({ node, tasks: tasks.sort((a, b) => (a.Slot ?? 0) - (b.Slot ?? 0)) }));
  });

  private get id(): string {
    return this.route.snapshot.paramMap.get('serviceId') ?? '';
  }

  constructor() {
    reloadOnEnvironment(this.ctx, () => this.load());
    inject(DestroyRef).onDestroy(() => this.follow?.abort());
  }

  async load(): Promise<void> {
    const envId = this.ctx.envId();
    try {
      const [service, tasks, nodes] = await Promise.all([
        this.swarm.service<SwarmService>(envId, this.id),
        this.swarm.tasks<SwarmTask>(envId, this.id),
        this.swarm.nodes<SwarmNode>(envId).then((r) => r.body),
      ]);
      this.service.set(service);
      this.tasks.set(tasks);
      this.nodes.set(nodes);
      this.image.set(service.Spec.TaskTemplate.ContainerSpec.Image.split('@')[0] ?? '');
      this.env.set(envRows(service.Spec.TaskTemplate.ContainerSpec.Env));
      this.error.set(null);
    } catch (error) {
      this.error.set(`Could not load the service: ${errorMessage(error)}`);
      return;
    }
    if (this.ctx.can(Permission.ResourcesManageOwned) || this.ctx.can(Permission.ResourcesManageAll))
      await this.loadWebhook();
  }

  private async loadWebhook(): Promise<void> {
    const s = this.service();
    if (!s) return;
    try {
      const list = await this.webhooks.forService(this.ctx.envId(), s.ID);
      this.webhook.set(list[0] ?? null);
    } catch {
      this.webhook.set(null);
    }
  }

  /** Posts a new spec against the version it was read at (the engine refuses a stale one). */
  private async post(
    what: string,
    spec: unknown,
    query: Record<string, string | number> = {},
  ): Promise<void> {
    const s = this.service();
    if (!s) return;
    try {
      await this.swarm.updateService(this.ctx.envId(), s.ID, s.Version.Index, spec, query);
      this.toasts.success(`${s.Spec.Name}: ${what}`);
    } catch (error) {
      this.toasts.error(`${s.Spec.Name}: ${errorMessage(error)}`);
    }
    await this.load();
  }

  async scale(value: string): Promise<void> {
    const s = this.service();
    const n = Number(value);
    if (!s) return;
    if (!Number.isInteger(n) || n < 0) {
      this.toasts.error('Replicas: a whole number, 0 or more');
      return;
    }
    await this.post(`scaled to ${n}`, scaledSpec(s.Spec, n));
  }

  async update(): Promise<void> {
    const s = this.service();
    if (!s) return;
    if (this.env().some((v) => v.key.trim() === '' && v.value !== '')) {
      this.toasts.error('Every variable needs a name');
      return;
    }
    await this.post('rolling update started', updatedSpec(s.Spec, { image: this.image(), env: this.env() }));
  }

  async rollback(): Promise<void> {
    const s = this.service();
    if (!s) return;
    const ok = await this.confirm.ask({
      title: 'Roll back',
      message: `Return ${s.Spec.Name} to its previous spec?`,
      confirmLabel: 'Roll back',
    });
    if (ok) await this.post('rolled back', s.Spec, { rollback: 'previous' });
  }

  protected async remove(): Promise<void> {
    const s = this.service();
    if (!s) return;
    await this.act({
      title: 'Remove service',
      message: `Remove the service ${s.Spec.Name}? Its tasks are stopped on every node.`,
      confirmLabel: 'Remove',
      run: () => this.swarm.removeService(this.ctx.envId(), s.ID),
      done: `Service ${s.Spec.Name} removed`,
      then: () => this.router.navigate(['..'], { relativeTo: this.route }),
      failed: (error) => `Could not remove ${s.Spec.Name}: ${errorMessage(error)}`,
    });
  }

  async toggleWebhook(on: boolean): Promise<void> {
    const s = this.service();
    if (!s) return;
    try {
      if (on) {
        this.webhook.set(await this.webhooks.createForService(this.ctx.envId(), s.ID));
      } else {
        const w = this.webhook();
        if (w) await this.webhooks.remove(w.Id);
        this.webhook.set(null);
      }
    } catch (error) {
      this.toasts.error(`Webhook: ${errorMessage(error)}`);
      await this.loadWebhook();
    }
  }

  protected async toggleFollow(on: boolean): Promise<void> {
    this.following.set(on);
    if (on) await this.loadLogs(true);
    else this.follow?.abort();
  }

  /** `GET /services/{id}/logs` through the proxy: the last 200 lines, then new ones while following. */
  async loadLogs(follow = this.following()): Promise<void> {
    this.follow?.abort();
    const controller = new AbortController();
    this.follow = controller;
    this.logs.set([]);
    this.logStatus.set(follow ? 'following…' : 'loading…');
    try {
      const response = await this.swarm.serviceLogs(
        this.ctx.envId(),
        this.id,
        { tail: 200, follow },
        { signal: controller.signal },
      );
      const decoder = new LogFrameDecoder(false);
      const reader = response.body?.getReader();
      for (;;) {
        const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
        if (chunk.done) break;
        this.append(decoder.push(chunk.value));
      }
      this.append(decoder.end());
      this.logStatus.set(`${this.logs().length} lines`);
    } catch (error) {
      if (controller.signal.aborted) this.logStatus.set('stopped');
      else this.logStatus.set(`Could not read the logs: ${errorMessage(error)}`);
    } finally {
      if (this.follow === controller) this.following.set(false);
    }
  }

  private append(lines: { stream: string; line: string }[]): void {
    if (lines.length === 0) return;
    this.logs.update((all) => [...all, ...lines].slice(-MAX_LOG_LINES));
  }
}
