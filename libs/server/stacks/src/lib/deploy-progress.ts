import { Injectable } from '@nestjs/common';

type Listener = (event: { line?: string; done?: boolean }) => void;

/** Lines of the deploys running now, per stack, and their listeners (the progress WebSocket). In memory. */
@Injectable()
export class DeployProgress {
  private readonly running = new Map<number, string[]>();
  private readonly listeners = new Map<number, Set<Listener>>();

  begin(stackId: number): void {
    this.running.set(stackId, []);
  }

  sink(stackId: number): (line: string) => void {
    return (line) => {
      const lines = this.running.get(stackId);
      if (lines && lines.length < 5000) lines.push(line);
      for (const l of this.listeners.get(stackId) ?? []) l({ line });
    };
  }

  end(stackId: number): void {
    this.running.delete(stackId);
    for (const l of this.listeners.get(stackId) ?? []) l({ done: true });
  }

  current(stackId: number): string[] | undefined {
    return this.running.get(stackId);
  }

  subscribe(stackId: number, listener: Listener): () => void {
    let set = this.listeners.get(stackId);
    if (!set) this.listeners.set(stackId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(stackId);
    };
  }
}
