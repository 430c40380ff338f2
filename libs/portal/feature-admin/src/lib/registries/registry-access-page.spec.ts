import { describe, expect, it } from 'vitest';
import type { Registry } from '@capstan/portal-data-access';

import { grantedIds } from './registry-access-page';

describe('registry access', () => {
  it("reads one environment's granted users and teams from RegistryAccesses", () => {
    const registry = {
      RegistryAccesses: {
        '2': { UserAccessPolicies: { '5': {}, '7': {} }, TeamAccessPolicies: { '1': {} }, Namespaces: [] },
        '3': { UserAccessPolicies: { x: {} }, TeamAccessPolicies: {}, Namespaces: [] },
      },
    } as unknown as Registry;
    expect(grantedIds(registry, 2, 'users')).toEqual([5, 7]);
    expect(grantedIds(registry, 2, 'teams')).toEqual([1]);
    expect(grantedIds(registry, 3, 'users')).toEqual([]);
    expect(grantedIds(registry, 9, 'teams')).toEqual([]);
  });
});
