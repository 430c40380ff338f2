import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCESS_METADATA, CONFIG_VARIABLES } from '@capstan/server-core';
import { DOMAIN_MODULES } from './app.module';

const MODULES = DOMAIN_MODULES;

function routes(): { name: string; rule: unknown }[] {
  const found: { name: string; rule: unknown }[] = [];
  for (const mod of MODULES) {
    const controllers = (Reflect.getMetadata('controllers', mod) ?? []) as (new (...a: never[]) => object)[];
    for (const ctrl of controllers) {
      const proto = ctrl.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const handler = proto[key];
        if (
          key === 'constructor' ||
          typeof handler !== 'function' ||
          Reflect.getMetadata('path', handler) === undefined
        )
          continue;
        found.push({
          name: `${ctrl.name}.${key}`,
          rule:
            (Reflect.getMetadata(ACCESS_METADATA, handler) as unknown) ??
            (Reflect.getMetadata(ACCESS_METADATA, ctrl) as unknown),
        });
      }
    }
  }
  return found;
}

describe('routes', () => {
  it('every route declares its access rule (@Public or @Authenticated)', () => {
    const all = routes();
    expect(all.length).toBeGreaterThan(25);
    expect(all.filter((r) => r.rule === undefined).map((r) => r.name)).toEqual([]);
  });

  it('only the first-run, login (and its second step / OAuth), status, edge agent and webhook routes are public, in every domain module', () => {
    const open = routes()
      .filter((r) => (r.rule as { public?: boolean }).public)
      .map((r) => r.name)
      .sort();
    expect(open).toEqual([
      // Two-factor enrolment demanded by the policy at login: its credential is the 5-minute second-step token.
      'AuthController.confirmEnrolment',
      'AuthController.enrol',
      'AuthController.login',
      'AuthController.logout',
      // OAuth: the redirect to the provider, and the code exchange (state/nonce/PKCE in a sealed cookie).
      'AuthController.oauthStart',
      'AuthController.oauthValidate',
      // Login's second step: the second-step token and the code.
      'AuthController.secondFactor',
      // The edge agent's global-key onboarding: lands untrusted in the waiting room (capped), see server-edge.
      'EdgeController.globalKey',
      // The edge agent's poll: its credential is the edge id (+ Capstan's per-environment secret), see server-edge.
      'EdgeController.status',
      // An edge agent's job log upload: EdgeAgents.authenticate (bound edge id + secret), see server-edge-jobs.
      'EdgeJobLogsController.upload',
      // Edge stacks: the agent's payload and status report, authenticated like the poll (EdgeAgents).
      'EdgeStackPayloadController.payload',
      'EdgeStacksController.report',
      'SettingsController.publicSettings',
      // A git stack's webhook: its UUID is the credential (Portainer's public POST /api/stacks/webhooks/{uuid}).
      'StacksController.webhook',
      'SystemController.status',
      'SystemController.statusDeprecated',
      'UsersController.adminCheck',
      'UsersController.adminInit',
      // The webhook's 128-bit token is its credential (Portainer's public POST /api/webhooks/{token}).
      'WebhooksController.execute',
    ]);
  });

  it('the README documents every configuration variable', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    for (const v of CONFIG_VARIABLES) expect(readme).toContain(`\`${v.name}\``);
  });
});
