import { ChangeDetectionStrategy, Component } from '@angular/core';
import { PageHeader } from '@capstan/portal-ui';

import { ApiKeysCard } from './api-keys-card';
import { PasswordCard } from './password-card';
import { ThemeCard } from './theme-card';
import { TotpCard } from './totp-card';

@Component({
  selector: 'cap-account-page',
  imports: [PageHeader, PasswordCard, ApiKeysCard, ThemeCard, TotpCard],
  template: `
    <cap-page-header
      title="My account"
      subtitle="Your password, two-factor sign-in, API keys and display preferences."
    />
    <div class="grid-2">
      <cap-password-card />
      <cap-theme-card />
    </div>
    <cap-totp-card />
    <cap-api-keys-card />
  `,
  styles: `
    cap-api-keys-card,
    cap-totp-card {
      display: block;
      margin-top: 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccountPage {}
