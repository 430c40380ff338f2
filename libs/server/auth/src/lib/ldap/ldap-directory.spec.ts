import { describe, expect, it } from 'vitest';
import { DEFAULT_LDAP_SETTINGS } from '@capstan/server-settings';
import { directoryUrls, escapeFilter, userFilter } from './ldap-directory';

describe('LDAP filters and URLs', () => {
  it('escapes the RFC 4515 specials of a user name', () => {
    expect(escapeFilter('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilter('a\\b\0')).toBe('a\\5cb\\00');
    expect(escapeFilter("jörg.o'neil")).toBe("jörg.o'neil");
  });

  it('ANDs the configured filter with the escaped user-name attribute', () => {
    expect(userFilter('(objectClass=person)', 'uid', 'alice)(cn=alice')).toBe(
      '(&(objectClass=person)(uid=alice\\29\\28cn=alice))',
    );
    expect(userFilter('objectClass=person', 'uid', 'bob')).toBe('(&(objectClass=person)(uid=bob))');
    expect(userFilter('  ', 'sAMAccountName', 'bob')).toBe('(sAMAccountName=bob)');
  });

  it('tries URLs in order, adding the scheme the TLS setting implies to host:port', () => {
    const s = structuredClone(DEFAULT_LDAP_SETTINGS);
    expect(directoryUrls({ ...s, URL: 'dir:389' })).toEqual(['ldap://dir:389']);
    expect(directoryUrls({ ...s, URL: 'dir:636', TLSConfig: { ...s.TLSConfig, TLS: true } })).toEqual([
      'ldaps://dir:636',
    ]);
    expect(directoryUrls({ ...s, URL: 'ignored:1', URLs: ['ldap://a:1', 'b:2'] })).toEqual([
      'ldap://a:1',
      'ldap://b:2',
    ]);
    expect(directoryUrls(s)).toEqual([]);
  });
});
