import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { type ThemeChoice, ThemeService, errorMessage } from '@capstan/portal-data-access';
import { ToastService } from '@capstan/portal-ui';

/** The theme, saved on the user so it follows them to other browsers. */
@Component({
  selector: 'cap-theme-card',
  template: `
    <section class="card" aria-labelledby="theme-title">
      <h2 id="theme-title">Theme</h2>
      <fieldset>
        <legend class="muted">Colour scheme of the portal</legend>
        @for (option of options; track option.value) {
          <label class="option">
            <input
              type="radio"
              name="theme"
              [value]="option.value"
              [checked]="theme.choice() === option.value"
              [attr.data-testid]="'account-theme-' + option.value"
              (change)="choose(option.value)"
            />
            <span
              ><strong>{{ option.label }}</strong>
              @if (option.hint) {
                <span class="muted hint">({{ option.hint }})</span>
              }
            </span>
          </label>
        }
      </fieldset>
    </section>
  `,
  styles: `
    fieldset {
      border: 0;
      padding: 0;
      margin: 0;
    }
    legend {
      margin-bottom: 0.5rem;
    }
    .hint {
      margin-left: 0.4rem;
    }
    .option {
      display: flex;
      gap: 0.6rem;
      align-items: baseline;
      padding: 0.4rem 0;
      cursor: pointer;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThemeCard {
  protected readonly theme = inject(ThemeService);
  private readonly toasts = inject(ToastService);
  protected readonly options: { value: ThemeChoice; label: string; hint: string }[] = [
    { value: 'light', label: 'Light', hint: '' },
    { value: 'dark', label: 'Dark', hint: '' },
    { value: 'auto', label: 'Automatic', hint: 'follows your system setting' },
  ];

  protected choose(choice: ThemeChoice): void {
    this.theme
      .set(choice)
      .then(() => this.toasts.success('Theme saved'))
      .catch((error: unknown) => this.toasts.error(`Could not save the theme: ${errorMessage(error)}`));
  }
}
