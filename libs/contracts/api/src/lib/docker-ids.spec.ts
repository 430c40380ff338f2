import { describe, expect, it } from 'vitest';
import { shortDockerId } from './docker-ids';

describe('shortDockerId', () => {
  const id = '3f2a1b9c0d12' + 'a'.repeat(52);

  it('shortens a full id and a sha256 digest to 12 hex digits', () => {
    expect(shortDockerId(id)).toBe('3f2a1b9c0d12');
    expect(shortDockerId(`sha256:${id}`)).toBe('3f2a1b9c0d12');
  });

  it('keeps names, short ids and anything that only looks like an id', () => {
    expect(shortDockerId('web')).toBe('web');
    expect(shortDockerId('3f2a1b9c0d12')).toBe('3f2a1b9c0d12');
    expect(shortDockerId(id.toUpperCase())).toBe(id.toUpperCase());
    expect(shortDockerId(id + 'a')).toBe(id + 'a');
  });
});
