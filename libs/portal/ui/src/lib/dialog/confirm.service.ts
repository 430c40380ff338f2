import { Injectable, signal } from '@angular/core';

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel?: string;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
}

interface PendingConfirm extends ConfirmOptions {
  resolve: (ok: boolean) => void;
}

/** `await confirm.ask({...})` resolves true when the user confirms, false on cancel or Escape. */
@Injectable({ providedIn: 'root' })
export class ConfirmService {
  private readonly state = signal<PendingConfirm | null>(null);
  readonly pending = this.state.asReadonly();

  ask(options: ConfirmOptions): Promise<boolean> {
    this.state()?.resolve(false);
    return new Promise<boolean>((resolve) => this.state.set({ ...options, resolve }));
  }

  answer(ok: boolean): void {
    const pending = this.state();
    this.state.set(null);
    pending?.resolve(ok);
  }
}
