import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EnvironmentsService } from '@capstan/server-environments';

/**
 * Which edge environments run in async mode, in memory: the engine connection asks at every request (it must
 * know synchronously whether to open a tunnel or answer from the snapshot), so this is never a database read.
 * Loaded at start; changed when an agent switches mode (its first async request, or a standard poll again).
 */
@Injectable()
export class EdgeModes implements OnApplicationBootstrap {
  private readonly asyncIds = new Set<number>();
  private readonly listeners: ((environmentId: number, asyncMode: boolean) => void)[] = [];

  constructor(private readonly environments: EnvironmentsService) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const id of await this.environments.edgeAsyncIds()) this.asyncIds.add(id);
  }

  isAsync(environmentId: number): boolean {
    return this.asyncIds.has(environmentId);
  }

  async set(environmentId: number, asyncMode: boolean): Promise<void> {
    if (this.isAsync(environmentId) !== asyncMode) {
      if (asyncMode) this.asyncIds.add(environmentId);
      else this.asyncIds.delete(environmentId);
      for (const l of this.listeners) l(environmentId, asyncMode);
    }
    await this.environments.setEdgeAsync(environmentId, asyncMode);
  }

  /** Marks a new environment's mode without writing it (it was created with it). */
  remember(environmentId: number, asyncMode: boolean): void {
    if (asyncMode) this.asyncIds.add(environmentId);
  }

  forget(environmentId: number): void {
    this.asyncIds.delete(environmentId);
  }

  onChange(listener: (environmentId: number, asyncMode: boolean) => void): void {
    this.listeners.push(listener);
  }
}
