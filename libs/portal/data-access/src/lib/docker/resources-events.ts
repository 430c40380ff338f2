/** Docker events (the engine's event objects, pushed over `/api/websocket/events` or read from `/events`). */

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  scope?: string;
  time?: number;
  timeNano?: number;
}

/** A human name for what the event is about: the `name` attribute, an image reference, or a short id. */
export function eventSubject(event: DockerEvent): string {
  const attrs = event.Actor?.Attributes ?? {};
  return attrs['name'] ?? attrs['image'] ?? (event.Actor?.ID ?? '').replace(/^sha256:/, '').slice(0, 12);
}

/** Whether a message is a Docker event (the socket may also carry other JSON). */
export function isDockerEvent(value: unknown): value is DockerEvent {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as DockerEvent).Type === 'string' &&
    typeof (value as DockerEvent).Action === 'string'
  );
}

/** A stable key for an event (de-duplicates the fallback's overlapping reads). */
export function eventKey(event: DockerEvent): string {
  return `${event.timeNano ?? event.time ?? 0}|${event.Type}|${event.Action}|${event.Actor?.ID ?? ''}`;
}
