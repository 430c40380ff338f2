import { ChangeDetectionStrategy, Component, computed, input, model } from '@angular/core';
import { Alert, type TableColumn } from '@capstan/portal-ui';

/**
 * Per-node views of the lists (containers, images, volumes, networks) of an agent-fronted Swarm: the agent
 * tags every item of a fanned-out list with `Portainer.Agent.NodeName`; lists without it show no Node column.
 */
export function agentNode(item: object): string {
  return (item as { Portainer?: { Agent?: { NodeName?: string } } }).Portainer?.Agent?.NodeName ?? '';
}

/** The distinct node names in a list, sorted (empty when the list is not from an agent cluster). */
export function nodeNamesOf(items: readonly object[]): string[] {
  return [...new Set(items.map(agentNode).filter((n) => n !== ''))].sort((a, b) => a.localeCompare(b));
}

export function matchesNode(item: object, node: string): boolean {
  return node === '' || agentNode(item) === node;
}

/** The columns with "Node" before the actions, when the items carry node names. */
export function withNodeColumn<T extends object>(columns: TableColumn<T>[], show: boolean): TableColumn<T>[] {
  if (!show) return columns;
  const node: TableColumn<T> = { key: 'node', label: 'Node', sortable: true, value: (r) => agentNode(r) };
  const i = columns.findIndex((c) => c.key === 'actions');
  return i < 0 ? [...columns, node] : [...columns.slice(0, i), node, ...columns.slice(i)];
}

/** "All nodes" or one node; rendered only when there are node names. */
@Component({
  selector: 'cap-node-filter',
  template: `
    @if (nodes().length > 0) {
      <label>
        <span class="sr-only">Node</span>
        <select
          class="input"
          [attr.data-testid]="testId()"
          [value]="value()"
          (change)="value.set($any($event.target).value)"
        >
          <option value="">All nodes</option>
          @for (n of nodes(); track n) {
            <option [value]="n">{{ n }}</option>
          }
        </select>
      </label>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NodeFilter {
  readonly nodes = input<readonly string[]>([]);
  readonly testId = input('node-filter');
  readonly value = model('');
}

/** "node2", "node2 and node3", "node1, node2 and node3". */
export function nodeList(nodes: readonly string[]): string {
  if (nodes.length <= 1) return nodes[0] ?? '';
  return `${nodes.slice(0, -1).join(', ')} and ${nodes[nodes.length - 1] ?? ''}`;
}

/**
 * A warning above a list of a Swarm agent environment when nodes did not answer its fan-out (the proxy passes the
 * agent's `X-Capstan-Agent-Unreachable`): the list misses their items. Nothing when the list is complete.
 */
@Component({
  selector: 'cap-unreachable-nodes',
  imports: [Alert],
  template: `
    @if (nodes().length > 0) {
      <cap-alert kind="warning" [testId]="testId()">
        {{ text() }} did not answer: {{ subject() }} {{ nodes().length === 1 ? 'its' : 'their' }}
        {{ what() }}.
      </cap-alert>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UnreachableNodes {
  readonly nodes = input<readonly string[]>([]);
  /** What the list holds ("containers"). */
  readonly what = input('items');
  /** What misses them ("this list misses"). */
  readonly subject = input('this list misses');
  readonly testId = input('unreachable-nodes');
  protected readonly text = computed(() => {
    const n = this.nodes();
    return `${n.length === 1 ? 'Node' : 'Nodes'} ${nodeList(n)}`;
  });
}
