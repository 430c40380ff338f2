import { validatedInstance } from '../http/case-insensitive-validation.pipe';

/** Input of an entry point: a query string or a decoded JSON object. */
export type CommandInput = URLSearchParams | Readonly<Record<string, unknown>>;

/**
 * A command validates itself: its class declares the input's rules with class-validator (and, for text such as a
 * query string, class-transformer's `@Transform` to read it), and `parse()` is the only way to make one. So the
 * input of an entry point that is not a controller — a WebSocket's query string, later an agent callback or a
 * scheduled job's arguments — is checked exactly like an HTTP body: keys matched case-insensitively, unknown keys
 * dropped, and every problem listed in one 400 `{message, details}`.
 *
 * ```ts
 * class StatsCommand extends Command {
 *   @Transform(positiveInt) @IsInt({ message: 'endpointId must be a positive integer' }) endpointId!: number;
 * }
 * const q = StatsCommand.parse(url.searchParams); // throws BadRequestError
 * ```
 */
export abstract class Command {
  /** The 400's message; a query string's commands say so. */
  static readonly invalidMessage: string = 'Invalid request payload';

  static parse<T extends Command>(this: (new () => T) & { invalidMessage: string }, input: CommandInput): T {
    return validatedInstance(this, plainInput(input), {
      implicitConversion: false,
      message: this.invalidMessage,
    });
  }
}

/** A query string as an object; a parameter given twice counts once, by its first value (as `get()` reads it). */
function plainInput(input: CommandInput): Record<string, unknown> {
  if (!(input instanceof URLSearchParams)) return { ...input };
  const out: Record<string, unknown> = {};
  for (const [k, v] of input) if (!(k in out)) out[k] = v;
  return out;
}
