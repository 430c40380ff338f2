import { InjectionToken } from '@angular/core';

/** Creates WebSockets; specs replace it with a fake. */
export const WEBSOCKET_FACTORY = new InjectionToken<(url: string) => WebSocket>('WEBSOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (url: string) => new WebSocket(url),
});

export type LiveState = 'connecting' | 'open' | 'closed' | 'failed';

export interface JsonSocketHandle {
  close(): void;
}

/**
 * Opens a WebSocket whose text messages are JSON objects (logs, stats, events streams) and reports each
 * parsed message and the connection state. `failed` means the socket closed before it ever opened (the
 * route is missing or refused), so callers can fall back to polling.
 */
export function openJsonSocket<T>(
  factory: (url: string) => WebSocket,
  url: string,
  handlers: { message: (value: T) => void; state?: (state: LiveState, code?: number) => void },
): JsonSocketHandle {
  let opened = false;
  let closedByUs = false;
  let socket: WebSocket;
  try {
    socket = factory(url);
  } catch {
    handlers.state?.('failed');
    return { close: () => undefined };
  }
  handlers.state?.('connecting');
  socket.onopen = () => {
    opened = true;
    handlers.state?.('open');
  };
  socket.onmessage = (event: MessageEvent) => {
    if (typeof event.data !== 'string') return;
    try {
      handlers.message(JSON.parse(event.data) as T);
    } catch {
      // Not JSON: ignore the frame rather than break the stream.
    }
  };
  socket.onclose = (event: CloseEvent) => {
    if (closedByUs) return;
    handlers.state?.(opened ? 'closed' : 'failed', event.code);
  };
  return {
    close: () => {
      closedByUs = true;
      socket.close(1000);
    },
  };
}
