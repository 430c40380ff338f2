import { ChangeDetectionStrategy, Component } from '@angular/core';
import { Alert } from '@capstan/portal-ui';

/** Shown after the server answered 303 `Redirect-Reason: AdminInitTimeout`. */
@Component({
  selector: 'cap-timeout-page',
  imports: [Alert],
  template: `
    <div class="auth-page">
      <main class="card auth-card" id="main-content" data-testid="instance-timeout">
        <h1 class="brand-title"><span aria-hidden="true">⎈</span> Capstan</h1>
        <cap-alert kind="warning">
          This Capstan instance timed out waiting for an administrator account to be created, and must be
          restarted.
        </cap-alert>
        <p>
          For security, a new instance only accepts the creation of its first administrator for a few minutes
          after it starts. Restart the Capstan server (for example <code>docker restart capstan</code>), then
          create the administrator account straight away.
        </p>
      </main>
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TimeoutPage {}
