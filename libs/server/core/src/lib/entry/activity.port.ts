/** One entry in the activity log, as an entry point reports it; who and the request id come from the context. */
export interface EntryActivity {
  readonly method: string;
  /** The path as called (without the query); secrets in it are redacted by the log. */
  readonly path: string;
  readonly status: number;
  readonly environmentId: number | null;
  /** The validated input (body or command); secret-looking fields are redacted by the log. */
  readonly payload: unknown;
}

/**
 * Where entry points record what they changed. The audit module implements it (its activity log); HTTP routes
 * are recorded by its response hook, other entry points (WebSockets that run commands, later the edge tunnel and
 * agent callbacks) by the entry pipeline — each call once.
 */
export abstract class ActivityPort {
  abstract record(activity: EntryActivity): void;
}
