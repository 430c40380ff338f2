import { ApiError, type ContainersApi } from '@capstan/portal-data-access';

export type ContainerAction = 'start' | 'stop' | 'restart' | 'kill' | 'pause' | 'resume' | 'remove';

export interface ContainerActionDef {
  readonly action: ContainerAction;
  readonly label: string;
  /** Past tense for the results ("stopped"). */
  readonly done: string;
  readonly danger?: boolean;
  /** States in which the action makes sense (for the details header); undefined: any. */
  readonly when?: readonly string[];
}

export const CONTAINER_ACTIONS: readonly ContainerActionDef[] = [
  { action: 'start', label: 'Start', done: 'started', when: ['created', 'exited', 'dead'] },
  { action: 'stop', label: 'Stop', done: 'stopped', when: ['running', 'restarting', 'paused'] },
  { action: 'restart', label: 'Restart', done: 'restarted' },
  { action: 'kill', label: 'Kill', done: 'killed', danger: true, when: ['running', 'restarting', 'paused'] },
  { action: 'pause', label: 'Pause', done: 'paused', when: ['running'] },
  { action: 'resume', label: 'Resume', done: 'resumed', when: ['paused'] },
  { action: 'remove', label: 'Remove', done: 'removed', danger: true },
];

export interface RemoveOptions {
  force: boolean;
  /** Also remove the container's anonymous volumes. */
  volumes: boolean;
}

/** One lifecycle call through the proxy. 304 (already in that state) counts as done. */
export async function runContainerAction(
  containers: ContainersApi,
  envId: number,
  id: string,
  action: ContainerAction,
  remove: RemoveOptions = { force: false, volumes: false },
): Promise<void> {
  try {
    switch (action) {
      case 'remove':
        await containers.remove(envId, id, remove);
        return;
      case 'resume':
        await containers.lifecycle(envId, id, 'unpause');
        return;
      case 'start':
      case 'stop':
      case 'restart':
      case 'kill':
      case 'pause':
        await containers.lifecycle(envId, id, action);
        return;
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 304) return;
    throw error;
  }
}

export type BulkItemState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface BulkItem {
  readonly id: string;
  readonly name: string;
  state: BulkItemState;
  message: string;
}

/**
 * Runs one action over many containers, a few at a time, reporting each item as it changes. Items the
 * caller may not act on are `skipped` (the server would refuse them anyway).
 */
export async function runBulk(
  items: BulkItem[],
  work: (item: BulkItem) => Promise<void>,
  onChange: (items: BulkItem[]) => void,
  concurrency = 4,
): Promise<void> {
  const queue = items.filter((i) => i.state === 'pending');
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      item.state = 'running';
      onChange([...items]);
      try {
        await work(item);
        item.state = 'done';
      } catch (error) {
        item.state = 'failed';
        item.message = error instanceof Error ? describe(error) : 'Unexpected error';
      }
      onChange([...items]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, () => worker()));
}

function describe(error: Error): string {
  if (error instanceof ApiError)
    return error.details && error.details !== error.message
      ? `${error.message}: ${error.details}`
      : error.message;
  return error.message;
}
