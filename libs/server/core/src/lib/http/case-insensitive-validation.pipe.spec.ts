import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MinLength, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../errors';
import { CaseInsensitiveValidationPipe } from './case-insensitive-validation.pipe';

class ThemeDto {
  @IsString()
  color!: string;
}

class SampleDto {
  @IsString()
  @MinLength(3)
  username!: string;

  @IsOptional()
  @IsInt()
  role?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => ThemeDto)
  theme?: ThemeDto;
}

const pipe = new CaseInsensitiveValidationPipe();
const body = (value: unknown) => pipe.transform(value, { type: 'body', metatype: SampleDto });

describe('CaseInsensitiveValidationPipe', () => {
  it('matches PascalCase, camelCase and upper-case keys, nested too', async () => {
    for (const input of [
      { Username: 'alice', Role: 2, Theme: { Color: 'dark' } },
      { username: 'alice', role: 2, theme: { color: 'dark' } },
      { USERNAME: 'alice', ROLE: 2, THEME: { COLOR: 'dark' } },
    ]) {
      const out = (await body(input)) as SampleDto;
      expect(out).toBeInstanceOf(SampleDto);
      expect(out).toMatchObject({ username: 'alice', role: 2, theme: { color: 'dark' } });
    }
  });

  it('prefers the exact-case key when both are sent', async () => {
    const out = (await body({ Username: 'other', username: 'alice' })) as SampleDto;
    expect(out.username).toBe('alice');
  });

  it('strips unknown keys', async () => {
    const out = (await body({ username: 'alice', isAdmin: true })) as Record<string, unknown>;
    expect(out['isAdmin']).toBeUndefined();
  });

  it('rejects wrong types with every problem named', async () => {
    await expect(body({ username: 5, role: 'x' })).rejects.toSatisfy((e: unknown) => {
      const err = e as BadRequestError;
      return (
        err instanceof BadRequestError && err.details.includes('username') && err.details.includes('role')
      );
    });
  });

  it('rejects non-object bodies', async () => {
    await expect(body([1, 2])).rejects.toBeInstanceOf(BadRequestError);
    await expect(body('text')).rejects.toBeInstanceOf(BadRequestError);
    await expect(body(undefined)).rejects.toBeInstanceOf(BadRequestError);
  });
});
