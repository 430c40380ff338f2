import { Injectable } from '@nestjs/common';
import LdapAuthStrategy from 'passport-ldapauth';
import type { LdapSettings } from '@capstan/server-settings';
import { DirectoryUnavailableError, directoryUrls, tlsOptions, userFilter } from './ldap-directory';
import { installStartTlsGate } from './ldapjs-starttls';

const TIMEOUT_MS = 5_000;
/** A run that neither succeeds, fails nor errors in this time (a server that accepts and never answers) is an error. */
const RUN_DEADLINE_MS = 3 * TIMEOUT_MS;

/** The user's entry as passport-ldapauth found it and bound as it, and the server that answered. */
export interface BoundUser {
  readonly dn: string;
  readonly url: string;
}

/** Either a bound user, or every reachable server refused (wrong password, unknown user, reader refused). */
export type BindOutcome = BoundUser | { readonly refusedBy: string };

type RunOutcome = { kind: 'success'; dn: string } | { kind: 'fail' } | { kind: 'error'; reason: string };

/**
 * The user's bind and search through passport-ldapauth (ldapauth-fork on ldapjs): for each server URL in order,
 * each user search setting in order, one passport-ldapauth run (reader bind, search with the escaped name, the
 * user's own bind). A server that cannot be reached is skipped for the next; a refusal moves on to the next search
 * setting; the first run that binds wins. No server reachable: DirectoryUnavailableError.
 */
@Injectable()
export class LdapUserBind {
  constructor() {
    installStartTlsGate();
  }

  async bind(settings: LdapSettings, username: string, password: string): Promise<BindOutcome> {
    const urls = directoryUrls(settings);
    if (urls.length === 0) throw new DirectoryUnavailableError('No LDAP server URL is configured');
    const searches = settings.SearchSettings.filter(
      (s) => s.BaseDN.trim() !== '' && s.UserNameAttribute.trim() !== '',
    );
    const failures: string[] = [];
    for (const url of urls) {
      let answered = false;
      for (const search of searches) {
        const outcome = await this.run(settings, url, search, username, password);
        if (outcome.kind === 'success') return { dn: outcome.dn, url };
        if (outcome.kind === 'error') {
          failures.push(`${url}: ${outcome.reason}`);
          break;
        }
        answered = true;
      }
      if (answered || searches.length === 0) return { refusedBy: url };
    }
    throw new DirectoryUnavailableError(failures.join('; '));
  }

  /** One passport-ldapauth run, settled once (ldapjs may report a second error after the first). */
  private run(
    settings: LdapSettings,
    url: string,
    search: LdapSettings['SearchSettings'][number],
    username: string,
    password: string,
  ): Promise<RunOutcome> {
    const secure = url.toLowerCase().startsWith('ldaps:');
    const strategy = new LdapAuthStrategy({
      server: {
        url,
        ...(settings.AnonymousMode ? {} : { bindDN: settings.ReaderDN, bindCredentials: settings.Password }),
        searchBase: search.BaseDN,
        searchFilter: userFilter(search.Filter, search.UserNameAttribute.trim(), '{{username}}'),
        searchAttributes: ['dn'],
        starttls: settings.StartTLS && !secure,
        tlsOptions: tlsOptions(settings),
        timeout: TIMEOUT_MS,
        connectTimeout: TIMEOUT_MS,
      },
      credentialsLookup: () => ({ username, password }),
    });
    return new Promise<RunOutcome>((resolve) => {
      let settled = false;
      const settle = (o: RunOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(o);
      };
      const deadline = setTimeout(
        () => settle({ kind: 'error', reason: `no answer in ${RUN_DEADLINE_MS} ms` }),
        RUN_DEADLINE_MS,
      );
      // passport's actions, as its authenticate middleware would attach them to the strategy.
      const run = Object.create(strategy) as LdapAuthStrategy & {
        success(user: { dn?: unknown }): void;
        fail(): void;
        error(err: unknown): void;
        redirect(): void;
        pass(): void;
      };
      run.success = (user) => settle({ kind: 'success', dn: String(user.dn) });
      run.fail = () => settle({ kind: 'fail' });
      run.error = (err) => settle({ kind: 'error', reason: reason(err) });
      run.redirect = run.pass = () => settle({ kind: 'error', reason: 'unexpected strategy action' });
      run.authenticate({ body: {} } as never, {});
    });
  }
}

function reason(e: unknown): string {
  if (e instanceof Error) return (e as Error & { code?: string }).code ?? e.message;
  return String(e);
}
