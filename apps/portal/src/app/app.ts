import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { ThemeService } from '@capstan/portal-data-access';
import { ConfirmHost, ToastHost } from '@capstan/portal-ui';

/** Root: the router outlet plus the app-wide confirm dialog and toasts. */
@Component({
  selector: 'cap-root',
  imports: [RouterOutlet, ToastHost, ConfirmHost],
  template: `<router-outlet /><cap-toast-host /><cap-confirm-host />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  // Instantiated here so the theme applies on every page, logged in or not.
  protected readonly theme = inject(ThemeService);
}
