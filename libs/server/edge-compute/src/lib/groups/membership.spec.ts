import { describe, expect, it } from 'vitest';
import type { EdgeMember } from '@capstan/server-environments';
import { membership, type GroupRule } from './membership';

const member = (id: number, tagIds: number[]): EdgeMember => ({ id, type: 4, trusted: true, tagIds });
const group = (id: number, o: Partial<GroupRule>): GroupRule => ({
  id,
  dynamic: false,
  partialMatch: false,
  tagIds: [],
  environmentIds: [],
  ...o,
});

describe('edge group membership', () => {
  const members = [member(1, [10, 11]), member(2, [10]), member(3, [])];

  it('dynamic: all tags, or any with PartialMatch', () => {
    const m = membership(
      [
        group(1, { dynamic: true, tagIds: [10, 11] }),
        group(2, { dynamic: true, partialMatch: true, tagIds: [11, 12] }),
      ],
      members,
    );
    expect(m.get(1)).toEqual([1]);
    expect(m.get(2)).toEqual([1]);
  });

  it('dynamic without tags holds nothing; static keeps only edge environments', () => {
    const m = membership([group(1, { dynamic: true }), group(2, { environmentIds: [3, 2, 99] })], members);
    expect(m.get(1)).toEqual([]);
    expect(m.get(2)).toEqual([2, 3]);
  });
});
