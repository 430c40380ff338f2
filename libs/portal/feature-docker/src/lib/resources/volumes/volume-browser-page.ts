import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Alert, PageHeader } from '@capstan/portal-ui';

import { EnvironmentContext } from '../../shell/environment-context';
import { NodePicker } from '../../swarm/node-picker';
import { FileBrowser } from './file-browser';
import { normalisePath } from './volume-browser';

/**
 * The files of one volume on an agent environment (`FileBrowser` with the volume): the route is
 * `volumes/:name/browse?path=/dir&node=<Swarm node>`; the server decides who may read or write
 * (`CapstanAccess.VolumeBrowse`), the page only hides what the caller cannot do. On a Swarm agent a link without
 * `node` (typed, bookmarked) asks for the node holding the volume (`NodePicker`, from `/v2/agents`) instead of
 * browsing whichever node answers.
 */
@Component({
  selector: 'cap-volume-browser-page',
  imports: [Alert, FileBrowser, NodePicker, PageHeader, RouterLink],
  template: `
    <cap-page-header [title]="name()" subtitle="Volume files">
      <a class="btn" [routerLink]="['../../../volumes', name()]" data-testid="browse-back">← Volume</a>
    </cap-page-header>

    @if (access() === 'none') {
      <cap-alert kind="warning" testId="browse-denied">
        The volume browser is not available to you here: it needs an agent environment, and for users who are
        not administrators the environment's “Allow volume browsing for non-administrators” setting.
      </cap-alert>
    }
    @if (agent()) {
      <cap-node-picker
        [node]="node()"
        prompt="Choose the node that holds this volume"
        (members)="members.set($event.length)"
      />
    }
    @if (ready()) {
      <cap-file-browser
        [volume]="name()"
        [rootLabel]="name()"
        [path]="path()"
        [node]="node()"
        [canWrite]="canWrite()"
      />
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VolumeBrowserPage {
  /** Route parameter `:name`. */
  readonly name = input.required<string>();
  /** Query `?path=` (the directory shown) and `?node=` (the Swarm node holding the volume). */
  readonly path = input('/', { transform: (p: string | undefined) => normalisePath(p) });
  readonly node = input<string | undefined>(undefined);

  protected readonly ctx = inject(EnvironmentContext);
  protected readonly access = computed(() => this.ctx.volumeBrowse());
  protected readonly canWrite = computed(() => this.access() === 'write' && !this.ctx.readOnly());
  protected readonly agent = computed(() => this.ctx.isAgent());
  /** Members of the agent's cluster (`/v2/agents`); null until known (1 for a standalone agent). */
  protected readonly members = signal<number | null>(null);
  /** Browse once the node is known: given, or not needed (not a Swarm of several agents). */
  protected readonly ready = computed(() => {
    if (this.node() || !this.agent()) return true;
    const n = this.members();
    return n !== null && n <= 1;
  });
}
