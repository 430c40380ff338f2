import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { Router } from '@angular/router';
import type { AgentMember } from '@capstan/contracts-agent/wire';
import { EngineApi } from '@capstan/portal-data-access';

import { EnvironmentContext } from '../shell/environment-context';

/** The members of a Swarm agent cluster sorted by node name (the order of the select). */
export function sortMembers(members: readonly AgentMember[] | null | undefined): AgentMember[] {
  return [...(members ?? [])].sort((a, b) => a.NodeName.localeCompare(b.NodeName));
}

/**
 * The Swarm node a page works on, for pages of an agent environment that need one (host facts and files, a
 * volume's files): a labelled native select (keyboard: Tab, arrows, type-ahead) fed by the agent's member list
 * (`GET /v2/agents` through the proxy). Choosing a node sets `?node=` (and clears `?path=`); the page reads it.
 * Shown only when the cluster has several members: a standalone agent refuses `/agents` (503) or lists itself,
 * and then nothing is rendered. `members` is emitted once known (empty when the list could not be read).
 * With `autoSelect`, a page opened without `?node=` moves to the first node (replacing the URL).
 */
@Component({
  selector: 'cap-node-picker',
  template: `
    @if (list().length > 1) {
      <div class="node-picker">
        <label for="node-picker-select">Node</label>
        <select
          id="node-picker-select"
          class="input"
          data-testid="node-picker"
          [value]="node() ?? ''"
          (change)="choose($any($event.target).value)"
        >
          @if (!node()) {
            <option value="" disabled selected>{{ prompt() }}</option>
          }
          @for (m of list(); track m.NodeName) {
            <option [value]="m.NodeName" [selected]="m.NodeName === node()">
              {{ m.NodeName }} ({{ m.NodeRole }})
            </option>
          }
        </select>
        @if (!node()) {
          <span class="muted" data-testid="node-picker-prompt">{{ prompt() }}.</span>
        }
      </div>
    }
  `,
  styles: `
    .node-picker {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
      margin: 0 0 0.75rem;
    }
    label {
      font-weight: 600;
    }
    select {
      width: auto;
      min-width: 12rem;
      max-width: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NodePicker {
  /** The node chosen (the page's `?node=`). */
  readonly node = input<string | undefined>(undefined);
  /** What to ask while no node is chosen. */
  readonly prompt = input('Choose a node');
  /** Go to the first node when none is chosen. */
  readonly autoSelect = input(false);
  /** The cluster's members, sorted, once read (empty: none known). */
  readonly members = output<AgentMember[]>();

  private readonly ctx = inject(EnvironmentContext);
  private readonly engine = inject(EngineApi);
  private readonly router = inject(Router);
  protected readonly list = signal<AgentMember[]>([]);
  protected readonly known = signal(false);
  protected readonly first = computed(() => this.list()[0]?.NodeName);

  constructor() {
    effect(() => {
      const id = this.ctx.envId();
      if (id) untracked(() => void this.load(id));
    });
    effect(() => {
      const first = this.first();
      if (this.autoSelect() && this.known() && !this.node() && first && this.list().length > 1) {
        untracked(() => this.choose(first, true));
      }
    });
  }

  private async load(id: number): Promise<void> {
    let members: AgentMember[] = [];
    try {
      members = sortMembers(await this.engine.agents<AgentMember>(id));
    } catch {
      // A standalone agent refuses /agents; an unreachable one has no members to offer.
    }
    if (this.ctx.envId() !== id) return;
    this.list.set(members);
    this.known.set(true);
    this.members.emit(members);
  }

  protected choose(node: string, replaceUrl = false): void {
    if (!node || node === this.node()) return;
    void this.router.navigate([], {
      queryParams: { node, path: null },
      queryParamsHandling: 'merge',
      replaceUrl,
    });
  }
}
