import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import type { HostInfo } from '@capstan/contracts-agent/wire';
import { EngineApi, SessionStore, SwarmApi, errorMessage, formatBytes } from '@capstan/portal-data-access';
import { Alert, PageHeader, Spinner } from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import { NodePicker } from '../../swarm/node-picker';
import type { DockerInfo } from '../engine/engine-page';
import { FileBrowser } from '../volumes/file-browser';
import { normalisePath } from '../volumes/volume-browser';
import {
  HOST_HARDWARE_UNREADABLE,
  type HostFact,
  type SwarmNodeHost,
  hostFacts,
  nodeFacts,
  sortDevices,
} from './host-facts';

/**
 * The host of an agent environment (Portainer's "Host" view): the engine's host facts (`/info`), the PCI
 * devices and physical disks the agent reads from the bind-mounted host root (`GET /v2/host/info`, `null` lists
 * when it cannot), and, for administrators when the environment's EnableHostManagementFeatures is on, the
 * host's files (`FileBrowser` without a volume, rooted at the agent's /host, where the host's / is mounted). On a Swarm agent every call names
 * the node (`?node=`, chosen with `NodePicker`, the first node by default), and the facts come from the node's
 * `/nodes` entry (the agent sends `/info` to a manager). Route `host?node=&path=`.
 */
@Component({
  selector: 'cap-host-page',
  imports: [Alert, FileBrowser, NodePicker, PageHeader, Spinner],
  template: `
    <cap-page-header title="Host" [subtitle]="subtitle()">
      <button type="button" class="btn btn-ghost" data-testid="host-refresh" (click)="load()">
        ↻ Refresh
      </button>
    </cap-page-header>

    @if (!ctx.isAgent() && ctx.env()) {
      <cap-alert kind="info" testId="host-not-agent">
        The host view needs an agent environment: the agent reads the host's hardware and files.
      </cap-alert>
    }
    @if (ctx.isAgent()) {
      <cap-node-picker [node]="node()" [autoSelect]="true" (members)="members.set($event.length)" />
    }
    @if (error(); as message) {
      <cap-alert kind="error" testId="host-error">{{ message }}</cap-alert>
    }
    @if (loading() && !facts().length) {
      <cap-spinner />
    }

    @if (ready()) {
      <div class="grid-2">
        <section class="card" data-testid="host-facts">
          <h2>Host</h2>
          <dl class="facts">
            @for (f of facts(); track f.id) {
              <dt>{{ f.label }}</dt>
              <dd [attr.data-testid]="'host-fact-' + f.id">{{ f.value }}</dd>
            }
          </dl>
        </section>

        <section class="card" data-testid="host-disks">
          <h2>Physical disks</h2>
          @if (hardware(); as hw) {
            @if (hw.PhysicalDisks === null) {
              <p class="muted" data-testid="host-disks-unreadable">{{ unreadable }}</p>
            } @else {
              <div class="table-scroll">
                <table class="table table-top" data-testid="host-disks-table">
                  <caption class="sr-only">
                    Physical disks
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Vendor</th>
                      <th scope="col" class="num">Size</th>
                    </tr>
                  </thead>
                  <tbody>
                    @for (d of hw.PhysicalDisks; track $index) {
                      <tr [attr.data-testid]="'host-disk-' + $index">
                        <td>{{ d.Vendor }}</td>
                        <td class="num">{{ bytes(d.Size) }}</td>
                      </tr>
                    } @empty {
                      <tr>
                        <td colspan="2" class="muted" data-testid="host-disks-empty">
                          No physical disk found.
                        </td>
                      </tr>
                    }
                  </tbody>
                </table>
              </div>
            }
          }
        </section>
      </div>

      <section class="card" data-testid="host-pci">
        <h2>PCI devices</h2>
        @if (hardware(); as hw) {
          @if (devices() === null) {
            <p class="muted" data-testid="host-pci-unreadable">{{ unreadable }}</p>
          } @else {
            <div class="table-scroll">
              <table class="table table-top" data-testid="host-pci-table">
                <caption class="sr-only">
                  PCI devices
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Vendor</th>
                    <th scope="col">Device</th>
                  </tr>
                </thead>
                <tbody>
                  @for (d of devices(); track $index) {
                    <tr [attr.data-testid]="'host-pci-' + $index">
                      <td>{{ d.Vendor }}</td>
                      <td class="name">{{ d.Name }}</td>
                    </tr>
                  } @empty {
                    <tr>
                      <td colspan="2" class="muted" data-testid="host-pci-empty">No PCI device found.</td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
          }
        }
      </section>

      @if (ctx.isAgent() && session.isAdmin()) {
        <section class="card" data-testid="host-files">
          <h2>Host files</h2>
          @if (hostManagement()) {
            <cap-file-browser
              rootLabel="host"
              root="/host"
              [path]="path()"
              [node]="node()"
              [canWrite]="!ctx.readOnly()"
            />
          } @else {
            <p class="muted" data-testid="host-files-off">
              Browsing the host's files is off on this environment: turn on “Host management features” in its
              security settings (environment edit page).
            </p>
          }
        </section>
      }
    }
  `,
  styles: `
    .grid-2 > .card + .card {
      margin-top: 0;
    }
    .grid-2 {
      grid-template-columns: repeat(auto-fit, minmax(min(24rem, 100%), 1fr));
      margin-bottom: 1rem;
    }
    .name {
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HostPage {
  /** Query `?node=` (the Swarm node) and `?path=` (the host directory shown). */
  readonly node = input<string | undefined>(undefined);
  readonly path = input('/', { transform: (p: string | undefined) => normalisePath(p) });

  protected readonly ctx = inject(EnvironmentContext);
  protected readonly session = inject(SessionStore);
  private readonly engine = inject(EngineApi);
  private readonly swarm = inject(SwarmApi);
  protected readonly bytes = formatBytes;
  protected readonly unreadable = HOST_HARDWARE_UNREADABLE;

  protected readonly members = signal<number | null>(null);
  protected readonly facts = signal<HostFact[]>([]);
  protected readonly hardware = signal<HostInfo | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly devices = computed(() => sortDevices(this.hardware()?.PCIDevices ?? null));
  protected readonly subtitle = computed(() =>
    this.node() ? `Node ${this.node()}: hardware and files of the host` : 'Hardware and files of the host',
  );
  protected readonly hostManagement = computed(
    () => this.ctx.env()?.SecuritySettings?.enableHostManagementFeatures === true,
  );
  /** Load once the node is known: given, or not needed (a standalone agent, or not a Swarm of several). */
  protected readonly ready = computed(() => {
    if (!this.ctx.isAgent()) return false;
    if (this.node()) return true;
    const n = this.members();
    return n !== null && n <= 1;
  });

  constructor() {
    effect(() => {
      if (!this.ctx.envId() || !this.ready()) return;
      this.node();
      untracked(() => void this.load());
    });
  }

  async load(): Promise<void> {
    const envId = this.ctx.envId();
    const node = this.node();
    const query = node ? { nodeName: node } : {};
    // On a Swarm of several agents /info goes to a manager whatever the target: the node's entry in /nodes.
    const swarm = !!node && (this.members() ?? 0) > 1;
    this.loading.set(true);
    const [facts, hardware] = await Promise.allSettled([
      swarm
        ? this.swarm
            .nodes<SwarmNodeHost>(envId)
            .then(({ body: nodes }) => nodeFacts(nodes.find((n) => n.Description?.Hostname === node)))
        : this.engine.info<DockerInfo>(envId, query).then(({ body }) => hostFacts(body)),
      this.engine.hostInfo<HostInfo>(envId, query),
    ]);
    if (node !== this.node()) return;
    this.facts.set(facts.status === 'fulfilled' ? facts.value : []);
    this.hardware.set(hardware.status === 'fulfilled' ? hardware.value : null);
    const failures = [
      facts.status === 'rejected' ? `the engine information: ${errorMessage(facts.reason)}` : null,
      hardware.status === 'rejected' ? `the host hardware: ${errorMessage(hardware.reason)}` : null,
    ].filter((f): f is string => f !== null);
    this.error.set(failures.length ? `Could not read ${failures.join('; ')}` : null);
    this.loading.set(false);
  }
}
