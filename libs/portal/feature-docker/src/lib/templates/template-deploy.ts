import { DestroyRef, computed, inject, signal } from '@angular/core';
import { DialogForm, EngineApi, StacksApi, type Stack } from '@capstan/portal-data-access';

import { EnvironmentContext } from '../shell/environment-context';
import { watchNewStack, watched } from '../stacks/deploy-watch';
import { stackTarget } from '../stacks/swarm-target';

/**
 * The deploy dialog of a template page (app or custom): the chosen template, the name, the values typed per field,
 * whether the engine takes Swarm or compose stacks, and the deploy's progress over the stack-deploy WebSocket.
 * Create in a field initializer (it injects).
 */
export class TemplateDeploy<T> {
  private readonly ctx = inject(EnvironmentContext);
  private readonly engine = inject(EngineApi);
  private readonly stacks = inject(StacksApi);
  readonly dialog = new DialogForm();
  readonly chosen = signal<T | null>(null);
  readonly name = signal('');
  readonly values = signal<Record<string, string>>({});
  /** The Swarm cluster id when the engine is a manager, '' for compose, null when unknown. */
  readonly swarmId = signal<string | null>('');
  readonly nameError = computed(() => (this.name().trim() ? null : 'A name is needed.'));
  readonly watch = watchNewStack(this.stacks, this.ctx.envId, this.name);

  constructor() {
    inject(DestroyRef).onDestroy(() => this.watch.dispose());
  }

  /** Reads whether the engine is a Swarm manager (with the page's list). */
  async readTarget(): Promise<void> {
    this.swarmId.set(await stackTarget(this.engine, this.ctx));
  }

  open(t: T, name: string, values: Record<string, string> = {}, reset?: () => void): void {
    this.dialog.show(() => {
      this.chosen.set(t);
      this.name.set(name);
      this.values.set(values);
      reset?.();
    });
  }

  close(): void {
    if (this.dialog.busy()) return;
    this.dialog.close();
    this.watch.dispose();
  }

  /** What was typed for the field, undefined when untouched. */
  valueOf(name: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.values(), name) ? this.values()[name] : undefined;
  }

  setValue(name: string, value: string): void {
    this.values.update((v) => ({ ...v, [name]: value }));
  }

  /** Creates the stack while its progress shows in the dialog; `file` and `env` are the template's, rendered. */
  createStack(input: {
    content: string;
    env: { name: string; value: string }[];
    fromAppTemplate?: boolean;
  }): Promise<Stack> {
    const swarmId = this.swarmId();
    if (swarmId === null)
      return Promise.reject(new Error('The engine did not say whether it is a Swarm manager; try again.'));
    return watched(this.watch, () =>
      this.stacks.create(this.ctx.envId(), {
        name: this.name().trim(),
        ...input,
        ...(swarmId ? { swarmId } : {}),
      }),
    );
  }
}
