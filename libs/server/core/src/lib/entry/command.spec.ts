import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../errors';
import { Command } from './command';
import { QueryValue } from './query-values';

class CallbackCommand extends Command {
  @IsString()
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  count?: number;
}

class QueryCommand extends Command {
  static override readonly invalidMessage = 'Invalid query parameters';

  @Transform(QueryValue.positiveInt)
  @IsInt({ message: 'endpointId must be a positive integer' })
  @Min(1, { message: 'endpointId must be a positive integer' })
  endpointId!: number;

  @Transform(QueryValue.boolean(false))
  @IsBoolean({ message: 'follow must be true, false, 1 or 0' })
  follow = false;

  @Transform(QueryValue.optional)
  @IsOptional()
  @IsString()
  since?: string;
}

function refusal(parse: () => unknown): BadRequestError {
  try {
    parse();
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return e as BadRequestError;
  }
  throw new Error('the input was accepted');
}

describe('Command.parse', () => {
  it('validates a JSON object like an HTTP body: keys in any case, unknown keys dropped', () => {
    const c = CallbackCommand.parse({ Name: 'edge-1', COUNT: 2, extra: true });
    expect(c).toBeInstanceOf(CallbackCommand);
    expect(c).toEqual({ name: 'edge-1', count: 2 });
    const bad = refusal(() => CallbackCommand.parse({ count: 0 }));
    expect(bad.message).toBe('Invalid request payload');
    expect(bad.details).toContain('name must be a string');
    expect(bad.details).toContain('count must not be less than 1');
  });

  it('reads a query string with the house readers and lists every problem once', () => {
    expect(QueryCommand.parse(new URLSearchParams('endpointId=3&follow=1&since=&token=secret'))).toEqual({
      endpointId: 3,
      follow: true,
    });
    expect(QueryCommand.parse(new URLSearchParams('endpointId=3&follow=false')).follow).toBe(false);
    // A parameter given twice counts by its first value.
    expect(QueryCommand.parse(new URLSearchParams('endpointId=2&endpointId=x')).endpointId).toBe(2);
    const bad = refusal(() => QueryCommand.parse(new URLSearchParams('endpointId=0&follow=maybe')));
    expect(bad.message).toBe('Invalid query parameters');
    expect(bad.details).toBe('endpointId must be a positive integer; follow must be true, false, 1 or 0');
    for (const id of ['', '-1', '1.5', 'abc', '99999999999'])
      expect(refusal(() => QueryCommand.parse(new URLSearchParams({ endpointId: id }))).details).toContain(
        'endpointId',
      );
  });
});
