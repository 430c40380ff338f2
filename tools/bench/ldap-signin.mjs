#!/usr/bin/env node
// LDAP sign-in through Capstan (POST /api/auth with AuthenticationMethod 2: reader bind, user search, user bind,
// nested group search, team sync, JWT, auth log) vs a bare bind + search by the same libraries (passport-ldapauth for
// the reader bind, user search and user bind; ldapts for the nested group search) against the same local slapd
// (tools/setup/ldap.sh), interleaved round by round in the same run; p50/p99 and the p50 ratio.
//   node tools/bench/ldap-signin.mjs      (BENCH_REQUESTS=200; needs /tmp/capstan-ldap.env and the built server)
import { existsSync, readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import LdapAuthStrategy from 'passport-ldapauth';
import {
  adminAuth,
  cleanup,
  isMain,
  percentile,
  request,
  requireServerBuild,
  startServer,
  tempDir,
  waitForStatus,
} from './lib.mjs';

const ENV_FILE = process.env.CAPSTAN_LDAP_ENV_FILE ?? '/tmp/capstan-ldap.env';

function directoryEnv() {
  if (!existsSync(ENV_FILE)) throw new Error(`${ENV_FILE} is missing: run sudo bash tools/setup/ldap.sh`);
  return Object.fromEntries(
    readFileSync(ENV_FILE, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^"|"$/g, '')]),
  );
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
};

export async function ldapSignIn({ requests = Number(process.env.BENCH_REQUESTS ?? 200) } = {}) {
  requireServerBuild();
  const env = directoryEnv();
  const base = env.CAPSTAN_TEST_LDAP_BASE;
  const url = env.CAPSTAN_TEST_LDAP_URL;
  const reader = { dn: env.CAPSTAN_TEST_LDAP_READER_DN, password: env.CAPSTAN_TEST_LDAP_READER_PASSWORD };
  const password = env.CAPSTAN_TEST_LDAP_USER_PASSWORD;
  const dataDir = tempDir('capstan-bench-ldap-');
  const server = await startServer({ dataDir });
  try {
    await waitForStatus(server);
    const admin = { ...(await adminAuth(server)), 'Content-Type': 'application/json' };
    const call = async (method, path, body) => {
      const r = await request(server.baseUrl + path, { method, headers: admin, body });
      if (r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${r.body}`);
      return r.body ? JSON.parse(r.body) : undefined;
    };
    for (const group of ['developers', 'frontend', 'ops']) {
      const team = await call('POST', '/api/teams', { name: `bench-${group}` });
      await call('PUT', `/api/teams/${team.Id}/link`, { source: 'ldap', group });
    }
    await call('PUT', '/api/settings', {
      AuthenticationMethod: 2,
      LDAPSettings: {
        AnonymousMode: false,
        ReaderDN: reader.dn,
        Password: reader.password,
        URL: url,
        StartTLS: false,
        TLSConfig: { TLS: false, TLSSkipVerify: false },
        SearchSettings: [
          { BaseDN: `ou=people,${base}`, Filter: '(objectClass=inetOrgPerson)', UserNameAttribute: 'uid' },
        ],
        GroupSearchSettings: [
          {
            GroupBaseDN: `ou=groups,${base}`,
            GroupFilter: '(objectClass=groupOfNames)',
            GroupAttribute: 'member',
          },
        ],
        AutoCreateUsers: true,
      },
    });

    // dave is in frontend, which is in developers: two group searches for both sides.
    const viaCapstan = async () => {
      const r = await request(`${server.baseUrl}/api/auth`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: { username: 'dave', password },
      });
      if (r.status !== 200) throw new Error(`sign-in answered ${r.status}: ${r.body}`);
    };
    /** One passport-ldapauth run, as the sign-in's bind does it: the user's DN. */
    const ldapauth = () =>
      new Promise((resolve, reject) => {
        const strategy = new LdapAuthStrategy({
          server: {
            url,
            bindDN: reader.dn,
            bindCredentials: reader.password,
            searchBase: `ou=people,${base}`,
            searchFilter: '(&(objectClass=inetOrgPerson)(uid={{username}}))',
            searchAttributes: ['dn'],
          },
          credentialsLookup: () => ({ username: 'dave', password }),
        });
        const run = Object.create(strategy);
        run.success = (user) => resolve(user.dn);
        run.fail = () => reject(new Error('passport-ldapauth refused dave'));
        run.error = reject;
        run.authenticate({ body: {} }, {});
      });
    const bare = async () => {
      const dn = await ldapauth();
      const c = new Client({ url });
      await c.bind(reader.dn, reader.password);
      let frontier = [dn];
      while (frontier.length > 0) {
        const filter = `(&(objectClass=groupOfNames)(|${frontier.map((d) => `(member=${d})`).join('')}))`;
        frontier = (
          await c.search(`ou=groups,${base}`, { scope: 'sub', filter, attributes: ['cn'] })
        ).searchEntries.map((e) => e.dn);
      }
      await c.unbind();
    };
    const time = async (fn, into) => {
      const t0 = process.hrtime.bigint();
      await fn();
      into.push(Number(process.hrtime.bigint() - t0) / 1e6);
    };
    for (let i = 0; i < 20; i++) {
      await viaCapstan();
      await bare();
    }
    const capstan = [];
    const direct = [];
    for (let i = 0; i < requests; i++) {
      // The order alternates so load on the shared machine hits both alike.
      if (i % 2 === 0) {
        await time(viaCapstan, capstan);
        await time(bare, direct);
      } else {
        await time(bare, direct);
        await time(viaCapstan, capstan);
      }
    }
    const c = stats(capstan);
    const d = stats(direct);
    return { requests, capstan: c, bare: d, ratio: c.p50 / d.p50 };
  } finally {
    await server.stop();
    cleanup(dataDir);
  }
}

if (isMain(import.meta)) {
  const r = await ldapSignIn();
  console.log(
    `LDAP sign-in (dave, nested groups, team sync), ${r.requests} each:\n` +
      `  through Capstan  p50 ${r.capstan.p50.toFixed(1)} ms, p99 ${r.capstan.p99.toFixed(1)} ms\n` +
      `  bare libraries   p50 ${r.bare.p50.toFixed(1)} ms, p99 ${r.bare.p99.toFixed(1)} ms\n` +
      `  p50 ratio capstan / bare ${r.ratio.toFixed(2)}`,
  );
}
