/** Docker events (the engine's event objects, pushed over `/api/websocket/events` or read from `/events`). */

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  scope?: string;
  time?: number;
  timeNano?: number;
}

/**
 * A human name for what the event is about: the `name` attribute, an image reference, else the actor id —
 * shortened when it is a 64-hex id (containers, images), whole when it is a name (volumes).
 */
export function eventSubject(event: DockerEvent): string {
  const attrs = event.Actor?.Attributes ?? {};
  const id = event.Actor?.ID ?? '';
  return (
    attrs['name'] ??
    attrs['image'] ??
    (/^(sha256:)?[0-9a-f]{64}$/.test(id) ? id.replace(/^sha256:/, '').slice(0, 12) : id)
  );
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
