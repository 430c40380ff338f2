import { Transform } from 'class-transformer';
import { IsInt, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { Command, QueryValue } from '@capstan/server-core';
import { AgentNodeName } from './environment-command';

/**
 * The Docker proxy's own input, `/api/endpoints/{endpointId}/docker{path}`: the environment id from the URL, the
 * Swarm node an agent environment must run the call on (Portainer's `?nodeName=` or the caller's
 * X-PortainerAgent-Target), and the engine path. Parsed before credentials are looked at, as a WebSocket query: a bad
 * one is a 400 `{message, details}` listing every bad part. The path and the query go to the engine as they came.
 */
export class DockerProxyCommand extends Command {
  static override readonly invalidMessage: string = 'Invalid environment id, node name or engine path';

  @Transform(QueryValue.positiveInt)
  @IsInt({ message: 'endpointId must be a positive integer' })
  @Min(1, { message: 'endpointId must be a positive integer' })
  endpointId!: number;

  @AgentNodeName()
  nodeName?: string;

  /** The engine path after `/docker` (`/` when there is none), with its version prefix if any. */
  @IsEnginePath()
  path!: string;
}

/** Percent-decoding rounds: `%252e` is `%2e` once decoded, `.` twice. */
const DECODING_ROUNDS = 3;

/**
 * Why a path cannot be sent to an engine, or undefined when it can. Checked on the path as the engine or agent may
 * read it (percent-decoded, repeatedly): no `.` or `..` segment (a route the policy did not judge), no control
 * character (CR/LF: another header or request), no host (`//host/…`, `/http://host/…`).
 */
export function enginePathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'path must be text';
  let decoded = path;
  for (let round = 0; round < DECODING_ROUNDS; round++) {
    const next = decoded.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    if (next === decoded) break;
    decoded = next;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return 'path must not contain control characters (CR, LF…)';
  if (!decoded.startsWith('/')) return 'path must start with /';
  if (decoded.startsWith('//') || /^\/[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(decoded))
    return 'path must be a path on the engine, not a URL';
  if (decoded.split(/[/\\]/).some((s) => s === '.' || s === '..'))
    return 'path must not contain . or .. segments (plain or percent-encoded)';
  return undefined;
}

function IsEnginePath(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEnginePath',
      validator: {
        validate: (value: unknown) => enginePathProblem(value) === undefined,
        defaultMessage: (args) => enginePathProblem(args?.value) ?? 'path is not an engine path',
      },
    },
    options,
  );
}
