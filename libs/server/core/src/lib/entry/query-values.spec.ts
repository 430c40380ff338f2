import { describe, expect, it } from 'vitest';
import { readFlag } from './query-values';

describe('readFlag', () => {
  it('reads the yes and no words in any case, and nothing else', () => {
    for (const yes of ['1', 'true', 'YES', 'On']) expect(readFlag(yes)).toBe(true);
    for (const no of ['0', 'False', 'no', 'OFF']) expect(readFlag(no)).toBe(false);
    for (const other of [undefined, '', 'y', '2', 'truthy']) expect(readFlag(other)).toBeUndefined();
  });
});
