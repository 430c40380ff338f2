import { describe, expect, it } from 'vitest';
import { LDAP_PRESETS, validateLdap } from './authentication-page';

const search = { BaseDN: 'ou=people,dc=example,dc=org', Filter: '', UserNameAttribute: 'uid' };

describe('validateLdap', () => {
  it('accepts a server, a reader and one complete user search', () => {
    expect(validateLdap(['ldap.example.org:389'], false, 'cn=reader,dc=example,dc=org', [search])).toEqual(
      [],
    );
    expect(validateLdap(['ldaps://a:636', 'ldap://b:389'], true, '', [search])).toEqual([]);
  });

  it('lists every problem at once', () => {
    expect(validateLdap([], false, ' ', [{ ...search, BaseDN: '' }])).toEqual([
      'Give at least one server URL.',
      'Give the reader DN, or choose anonymous mode.',
      'Give at least one user search with a base DN and a user-name attribute.',
    ]);
    expect(validateLdap(['ldap://a b'], true, '', [search])).toEqual(['A server URL cannot contain spaces.']);
  });
});

describe('LDAP_PRESETS', () => {
  it('searches Active Directory by sAMAccountName and OpenLDAP by uid, groups by member', () => {
    expect(LDAP_PRESETS[2].user.UserNameAttribute).toBe('sAMAccountName');
    expect(LDAP_PRESETS[1].user.UserNameAttribute).toBe('uid');
    expect(LDAP_PRESETS[1].group.GroupAttribute).toBe('member');
  });
});
