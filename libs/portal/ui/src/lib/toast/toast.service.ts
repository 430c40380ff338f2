import { Injectable, signal } from '@angular/core';

export type ToastKind = 'success' | 'error' | 'info' | 'warning';

export interface Toast {
  readonly id: number;
  readonly kind: ToastKind;
  readonly message: string;
}

/** Short-lived notifications. Errors stay until dismissed; the rest leave after a few seconds. */
@Injectable({ providedIn: 'root' })
export class ToastService {
  private nextId = 1;
  private readonly state = signal<readonly Toast[]>([]);
  readonly toasts = this.state.asReadonly();

  show(kind: ToastKind, message: string, timeoutMs = kind === 'error' ? 0 : 5000): number {
    const id = this.nextId++;
    this.state.update((list) => [...list, { id, kind, message }]);
    if (timeoutMs > 0) setTimeout(() => this.dismiss(id), timeoutMs);
    return id;
  }

  success(message: string): number {
    return this.show('success', message);
  }

  error(message: string): number {
    return this.show('error', message);
  }

  info(message: string): number {
    return this.show('info', message);
  }

  /** Drops every toast (e.g. on logout, so the next user does not see the last one's news). */
  clear(): void {
    this.state.set([]);
  }

  dismiss(id: number): void {
    this.state.update((list) => list.filter((t) => t.id !== id));
  }
}
