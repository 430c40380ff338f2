import { expect, test } from '@playwright/test';
import { startOidcProvider, type OidcTestProvider } from '@capstan/testing';
import { Secret, TOTP } from 'otpauth';

import { apiLogin, logIn, screenshots, startPortal, type Portal } from './support/portal';

// Sign-in for organisations in Chromium: "Sign in with …" through a real OpenID provider (npm oidc-provider, its own
// login page) back to the portal with the team of the group claim; then TOTP enrolment from My account with a code
// computed here, after which the login page asks for the second step.
const shot = screenshots('sign-in-');

test.describe('sign-in for organisations', () => {
  let portal: Portal;
  let idp: OidcTestProvider;
  let teamId = 0;

  test.beforeAll(async () => {
    portal = await startPortal();
    idp = await startOidcProvider({
      redirectUris: [`${portal.baseUrl}/login`],
      accounts: [{ sub: 'u-carol', preferred_username: 'carol', groups: ['platform'] }],
      loginPage: true,
    });
    const team = await portal.server.request<{ Id: number }>('POST', '/api/teams', {
      token: portal.admin,
      body: { name: 'platform-team' },
    });
    teamId = team.body.Id;
    const link = await portal.server.request('PUT', `/api/teams/${teamId}/link`, {
      token: portal.admin,
      body: { source: 'oauth', group: 'platform' },
    });
    expect(link.status, link.text).toBe(200);
  });

  test.afterAll(async () => {
    await idp?.close();
    await portal?.server.dispose();
  });

  test('the administrator sets up OAuth on the Authentication page; "Sign in with …" comes back signed in with the team', async ({
    browser,
  }) => {
    const admin = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const page = await admin.newPage();
    // Set up in the portal as an administrator would: the OAuth tab, the custom preset, the group claim.
    await logIn(page, portal.baseUrl, 'admin', portal.adminPassword);
    await page.goto(`${portal.baseUrl}/admin/authentication`);
    await page.getByTestId('auth-method-internal').focus();
    await page.keyboard.press('ArrowLeft'); // wraps to the last tab: OAuth
    await expect(page.getByTestId('auth-method-oauth')).toHaveAttribute('aria-selected', 'true');
    await page.getByTestId('oauth-provider').selectOption('custom');
    await page.getByTestId('oauth-Issuer').fill(idp.issuer);
    await page.getByTestId('oauth-ClientID').fill(idp.clientId);
    await page.getByTestId('oauth-ClientSecret').fill(idp.clientSecret);
    await page.getByTestId('oauth-RedirectURI').fill(`${portal.baseUrl}/login`);
    await page.getByTestId('oauth-Scopes').fill('openid profile groups');
    await page.getByTestId('oauth-UserIdentifier').fill('preferred_username');
    await page.getByTestId('oauth-GroupClaim').fill('groups');
    await page.getByTestId('oauth-autocreate').check();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'oauth-settings-390-dark');
    await page.getByTestId('auth-save').click();
    await expect(page.getByText('Authentication settings saved')).toBeVisible();
    const stored = await portal.server.request<{ OAuthSettings: { ClientSecret: string; Issuer: string } }>(
      'GET',
      '/api/settings',
      { token: portal.admin },
    );
    expect(stored.body.OAuthSettings.Issuer).toBe(idp.issuer);
    expect(stored.text).not.toContain(idp.clientSecret);
    await admin.close();

    // A user who has never been here.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const user = await context.newPage();
    await user.goto(`${portal.baseUrl}/login`);
    const button = user.getByTestId('login-oauth');
    await expect(button).toHaveText(/Sign in with/);
    await button.click();
    await expect(user).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
    await expect(user.getByRole('heading', { name: 'Test identity provider' })).toBeVisible();
    await user.getByLabel('User name').fill('carol');
    await user.getByRole('button', { name: 'Continue' }).click();
    await expect(user.getByTestId('user-menu')).toBeVisible();
    await expect(user.getByTestId('user-menu')).toContainText('carol');
    await shot(user, 'oauth-signed-in');
    const users = await portal.server.request<{ Id: number; Username: string }[]>('GET', '/api/users', {
      token: portal.admin,
    });
    const carol = users.body.find((u) => u.Username === 'carol');
    expect(carol).toBeDefined();
    const memberships = await portal.server.request<{ TeamID: number }[]>(
      'GET',
      `/api/users/${carol?.Id}/memberships`,
      { token: portal.admin },
    );
    expect(memberships.body.map((m) => m.TeamID)).toEqual([teamId]);
    await context.close();
  });

  test('TOTP: enrol from My account with a computed code, then the login page asks for the second step', async ({
    browser,
  }) => {
    // Back to internal passwords (the initial administrator can, under OAuth, with the internal password).
    const back = await portal.server.request('PUT', '/api/settings', {
      token: await apiLogin(portal.server, 'admin', portal.adminPassword),
      body: { AuthenticationMethod: 1 },
    });
    expect(back.status, back.text).toBe(200);
    const password = 'erin-password-0123';
    const created = await portal.server.request('POST', '/api/users', {
      token: portal.admin,
      body: { username: 'erin', password, role: 2 },
    });
    expect(created.status, created.text).toBe(200);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const page = await context.newPage();
    await logIn(page, portal.baseUrl, 'erin', password);
    await page.goto(`${portal.baseUrl}/account`);
    await page.getByTestId('totp-enable').click();
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    await page.getByTestId('totp-confirm-code').fill(totp.generate());
    await page.getByTestId('totp-confirm').click();
    await expect(page.getByTestId('totp-recovery-codes').locator('li')).toHaveCount(10);
    await shot(page, 'totp-recovery-codes-390-dark');
    await page.getByTestId('totp-codes-done').click();
    await expect(page.getByTestId('totp-status')).toContainText(/on/i);

    // Sign out and in again: the password is not enough any more.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').fill('erin');
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-code')).toBeVisible();
    await expect(page.getByTestId('user-menu')).toHaveCount(0);
    // The confirming code's time step is used; the next window's code is accepted (and is not a replay).
    await page.getByTestId('login-code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByTestId('login-code-submit').click();
    await expect(page.getByTestId('user-menu')).toBeVisible();
    await context.close();

    // The administrator's users list shows it.
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await logIn(admin, portal.baseUrl, 'admin', portal.adminPassword);
    await admin.goto(`${portal.baseUrl}/admin/users`);
    await expect(admin.getByTestId('user-totp-erin')).toHaveText('On');
    await adminContext.close();
  });
});
