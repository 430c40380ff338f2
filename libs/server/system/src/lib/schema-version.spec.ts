import { describe, expect, it } from 'vitest';
import { schemaVersion } from './schema-version';

const migration = (name: string) => ({ name });

describe('schemaVersion', () => {
  it('counts the migrations and names the newest in words with its date', () => {
    expect(
      schemaVersion([
        migration('InitialSchema1763856000000'),
        migration('AgentKeys1764100000000'),
        migration('Webhooks1764200000000'),
      ]),
    ).toBe('3 (webhooks, 2025-11-26)');
  });

  it('splits camel case and acronyms', () => {
    expect(schemaVersion([migration('ResourceControls1764000000000')])).toBe(
      '1 (resource controls, 2025-11-24)',
    );
    expect(schemaVersion([migration('LDAPSettings1764000000000')])).toBe('1 (ldap settings, 2025-11-24)');
  });

  it('shows a name without a timestamp as is, and no migration as 0', () => {
    expect(schemaVersion([migration('Baseline')])).toBe('1 (Baseline)');
    expect(schemaVersion([])).toBe('0');
  });
});
