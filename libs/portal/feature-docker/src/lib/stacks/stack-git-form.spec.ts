import { describe, expect, it } from 'vitest';

import { emptyGitForm, gitFormErrors, gitFormOf, toGitSettings, toGitSource } from './stack-git-form';

describe('stack git form', () => {
  const valid = { ...emptyGitForm('uuid-1'), url: 'https://git.local/r.git' };

  it('starts valid once a URL is given, with a fresh webhook UUID', () => {
    expect(gitFormErrors(valid)).toEqual({});
    expect(emptyGitForm().webhook).toMatch(/^[0-9a-f-]{36}$/);
    expect(emptyGitForm().webhook).not.toBe(emptyGitForm().webhook);
  });

  it('names each bad field: URL scheme, paths leaving the repository, a missing token, the interval', () => {
    expect(
      gitFormErrors({
        ...valid,
        url: 'ssh://git@host/r.git',
        composeFile: '../x.yml',
        additionalFiles: 'ok.yml\n/etc/passwd',
        auth: true,
        token: '',
        autoUpdate: true,
        interval: '10s',
      }),
    ).toEqual({
      url: 'Use an http:// or https:// URL.',
      composeFile: '../x.yml: ".." is not allowed.',
      additionalFiles: '/etc/passwd: a path inside the repository, without a leading /.',
      token: 'Give the token (or password) for this user.',
      interval: 'At least one minute (1m).',
    });
  });

  it('sends credentials only when asked, and the webhook or the interval as chosen', () => {
    expect(toGitSource({ ...valid, username: 'bob', token: 't' })).toMatchObject({
      username: '',
      token: '',
      autoUpdate: null,
    });
    expect(
      toGitSource({
        ...valid,
        auth: true,
        username: ' bob ',
        token: 't',
        additionalFiles: ' a.yml \n\n b.yml',
        autoUpdate: true,
        mechanism: 'webhook',
        forcePullImage: true,
      }),
    ).toEqual({
      url: 'https://git.local/r.git',
      reference: 'refs/heads/main',
      composeFile: 'docker-compose.yml',
      additionalFiles: ['a.yml', 'b.yml'],
      username: 'bob',
      token: 't',
      tlsSkipVerify: false,
      autoUpdate: { Interval: '', Webhook: 'uuid-1', ForceUpdate: false, ForcePullImage: true },
    });
  });

  it("edits an existing stack's settings: fixed URL and paths, an empty token keeps the stored one", () => {
    const form = gitFormOf(
      {
        URL: 'https://git.local/r.git',
        ReferenceName: 'refs/heads/dev',
        ConfigFilePath: 'c.yml',
        ConfigHash: 'abc',
        TLSSkipVerify: true,
        Authentication: { Username: 'bob' },
      },
      { Interval: '', Webhook: 'hook-1', ForceUpdate: true },
    );
    expect(form).toMatchObject({
      auth: true,
      username: 'bob',
      token: '',
      mechanism: 'webhook',
      webhook: 'hook-1',
    });
    expect(gitFormErrors(form, true)).toEqual({});
    expect(gitFormErrors({ ...form, autoUpdate: true, mechanism: 'interval', interval: 'x' }, true)).toEqual({
      interval: 'Use hours, minutes and seconds, e.g. 5m or 1h30m.',
    });
    expect(toGitSettings(form, [], false).credentials).toBeUndefined();
    expect(toGitSettings({ ...form, token: 'new' }, [], false).credentials).toEqual({
      username: 'bob',
      token: 'new',
    });
    expect(toGitSettings({ ...form, auth: false }, [], true)).toMatchObject({
      reference: 'refs/heads/dev',
      credentials: null,
      tlsSkipVerify: true,
      autoUpdate: { Interval: '', Webhook: 'hook-1', ForceUpdate: true, ForcePullImage: false },
      prune: true,
    });
  });
});
