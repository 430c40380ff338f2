import { ChangeDetectionStrategy, Component, computed, inject, input, model } from '@angular/core';
import {
  StacksApi,
  autoUpdateIntervalError,
  type StackAutoUpdate,
  type StackEnvVar,
  type StackGitConfig,
  type StackGitSettings,
  type StackGitSource,
} from '@capstan/portal-data-access';
import { CopyText, FormControlDirective, FormField } from '@capstan/portal-ui';

/** What the git form edits; `toGitSource` turns it into the API's fields. */
export interface GitFormValue {
  url: string;
  reference: string;
  composeFile: string;
  /** One path per line. */
  additionalFiles: string;
  auth: boolean;
  username: string;
  token: string;
  tlsSkipVerify: boolean;
  autoUpdate: boolean;
  mechanism: 'interval' | 'webhook';
  interval: string;
  /** The webhook's UUID, made when the form is (Portainer's UI makes it too). */
  webhook: string;
  forceUpdate: boolean;
  forcePullImage: boolean;
}

export function emptyGitForm(webhook: string = crypto.randomUUID()): GitFormValue {
  return {
    url: '',
    reference: 'refs/heads/main',
    composeFile: 'docker-compose.yml',
    additionalFiles: '',
    auth: false,
    username: '',
    token: '',
    tlsSkipVerify: false,
    autoUpdate: false,
    mechanism: 'interval',
    interval: '5m',
    webhook,
    forceUpdate: false,
    forcePullImage: false,
  };
}

/** The form for an existing git stack's settings (`POST /api/stacks/{id}/git`). */
export function gitFormOf(git: StackGitConfig, auto: StackAutoUpdate | null): GitFormValue {
  return {
    ...emptyGitForm(auto?.Webhook || undefined),
    url: git.URL,
    reference: git.ReferenceName,
    composeFile: git.ConfigFilePath,
    auth: !!git.Authentication?.Username,
    username: git.Authentication?.Username ?? '',
    tlsSkipVerify: git.TLSSkipVerify,
    autoUpdate: !!auto,
    mechanism: auto?.Webhook && !auto.Interval ? 'webhook' : 'interval',
    interval: auto?.Interval || '5m',
    forceUpdate: auto?.ForceUpdate === true,
    forcePullImage: auto?.ForcePullImage === true,
  };
}

/** The settings body of a git stack from the form: an empty token keeps the stored credentials. */
export function toGitSettings(
  v: GitFormValue,
  env: readonly StackEnvVar[],
  prune: boolean,
): StackGitSettings {
  const source = toGitSource(v);
  return {
    reference: source.reference,
    credentials: !v.auth ? null : v.token ? { username: v.username.trim(), token: v.token } : undefined,
    tlsSkipVerify: v.tlsSkipVerify,
    autoUpdate: source.autoUpdate,
    env,
    prune,
  };
}

export type GitFormErrors = Partial<
  Record<'url' | 'composeFile' | 'additionalFiles' | 'token' | 'interval', string>
>;

/** A path inside the repository: relative, no `..` step (the server refuses those too). */
function pathError(path: string): string | null {
  if (path.startsWith('/')) return `${path}: a path inside the repository, without a leading /.`;
  if (path.split('/').includes('..')) return `${path}: ".." is not allowed.`;
  return null;
}

/**
 * The field errors. `settings`: editing an existing git stack — its URL and paths are fixed, and an empty token
 * keeps the stored credentials.
 */
export function gitFormErrors(v: GitFormValue, settings = false): GitFormErrors {
  // The fixed fields are not checked; an empty token is allowed (the stored one stays).
  if (settings)
    return gitFormErrors({
      ...v,
      url: 'https://fixed',
      composeFile: 'fixed',
      additionalFiles: '',
      token: 'kept',
    });
  const errors: GitFormErrors = {};
  const url = v.url.trim();
  if (!url) errors.url = 'The repository URL is needed.';
  else if (!/^https?:\/\/[^\s/]+/i.test(url)) errors.url = 'Use an http:// or https:// URL.';
  const compose = v.composeFile.trim();
  if (!compose) errors.composeFile = 'The compose file path is needed.';
  else {
    const e = pathError(compose);
    if (e) errors.composeFile = e;
  }
  for (const line of additionalLines(v)) {
    const e = pathError(line);
    if (e) {
      errors.additionalFiles = e;
      break;
    }
  }
  if (v.auth && !v.token) errors.token = 'Give the token (or password) for this user.';
  if (v.autoUpdate && v.mechanism === 'interval') {
    const e = autoUpdateIntervalError(v.interval);
    if (e) errors.interval = e;
  }
  return errors;
}

function additionalLines(v: GitFormValue): string[] {
  return v.additionalFiles
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

export function toGitSource(v: GitFormValue): StackGitSource {
  return {
    url: v.url.trim(),
    reference: v.reference.trim(),
    composeFile: v.composeFile.trim(),
    additionalFiles: additionalLines(v),
    username: v.auth ? v.username.trim() : '',
    token: v.auth ? v.token : '',
    tlsSkipVerify: v.tlsSkipVerify,
    autoUpdate: v.autoUpdate
      ? {
          Interval: v.mechanism === 'interval' ? v.interval.trim() : '',
          Webhook: v.mechanism === 'webhook' ? v.webhook : '',
          ForceUpdate: v.forceUpdate,
          ForcePullImage: v.forcePullImage,
        }
      : null,
  };
}

/**
 * A stack's git source (Portainer's repository method): URL, reference, compose path and additional files,
 * credentials (username + token), TLS skip-verify, and auto-update by polling or by webhook (its URL shown to
 * copy). Controls are `stack-git-<field>`; errors show once `showErrors` is set.
 */
@Component({
  selector: 'cap-stack-git-form',
  imports: [CopyText, FormField, FormControlDirective],
  template: `
    <fieldset class="git" data-testid="stack-git-form">
      <legend class="sr-only">Git repository</legend>
      @if (!settings()) {
        <cap-form-field
          label="Repository URL"
          [required]="true"
          [error]="shown('url')"
          hint="https://host/owner/repo.git"
        >
          <input
            capControl
            class="input mono"
            autocomplete="off"
            inputmode="url"
            data-testid="stack-git-url"
            [value]="value().url"
            (input)="set('url', $any($event.target).value)"
          />
        </cap-form-field>
      }
      <div class="grid-2">
        <cap-form-field label="Reference" hint="Branch, tag or commit, e.g. refs/heads/main.">
          <input
            capControl
            class="input mono"
            autocomplete="off"
            data-testid="stack-git-ref"
            [value]="value().reference"
            (input)="set('reference', $any($event.target).value)"
          />
        </cap-form-field>
        @if (!settings()) {
          <cap-form-field label="Compose file path" [required]="true" [error]="shown('composeFile')">
            <input
              capControl
              class="input mono"
              autocomplete="off"
              data-testid="stack-git-compose"
              [value]="value().composeFile"
              (input)="set('composeFile', $any($event.target).value)"
            />
          </cap-form-field>
        }
      </div>
      @if (!settings()) {
        <cap-form-field
          label="Additional files"
          hint="Compose files merged over the first, one path per line."
          [error]="shown('additionalFiles')"
        >
          <textarea
            capControl
            class="input mono"
            rows="2"
            data-testid="stack-git-additional"
            [value]="value().additionalFiles"
            (input)="set('additionalFiles', $any($event.target).value)"
          ></textarea>
        </cap-form-field>
      }

      <label class="check">
        <input
          type="checkbox"
          data-testid="stack-git-auth"
          [checked]="value().auth"
          (change)="set('auth', $any($event.target).checked)"
        />
        The repository needs credentials
      </label>
      @if (value().auth) {
        <div class="grid-2">
          <cap-form-field label="Username">
            <input
              capControl
              class="input"
              autocomplete="off"
              data-testid="stack-git-username"
              [value]="value().username"
              (input)="set('username', $any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field
            label="Token or password"
            [required]="!settings()"
            [error]="shown('token')"
            [hint]="settings() ? 'Empty: keep the stored token.' : 'Stored encrypted; never shown again.'"
          >
            <input
              capControl
              class="input"
              type="password"
              autocomplete="new-password"
              data-testid="stack-git-token"
              [value]="value().token"
              (input)="set('token', $any($event.target).value)"
            />
          </cap-form-field>
        </div>
      }
      <label class="check">
        <input
          type="checkbox"
          data-testid="stack-git-tls-skip"
          [checked]="value().tlsSkipVerify"
          (change)="set('tlsSkipVerify', $any($event.target).checked)"
        />
        Skip TLS verification (self-signed certificate)
      </label>

      <label class="check">
        <input
          type="checkbox"
          data-testid="stack-git-auto"
          [checked]="value().autoUpdate"
          (change)="set('autoUpdate', $any($event.target).checked)"
        />
        Update automatically when the repository changes
      </label>
      @if (value().autoUpdate) {
        <div class="auto">
          <div class="choices" role="radiogroup" aria-label="How updates are noticed">
            <label class="check">
              <input
                type="radio"
                name="git-mechanism"
                data-testid="stack-git-mechanism-interval"
                [checked]="value().mechanism === 'interval'"
                (change)="set('mechanism', 'interval')"
              />
              Poll the repository
            </label>
            <label class="check">
              <input
                type="radio"
                name="git-mechanism"
                data-testid="stack-git-mechanism-webhook"
                [checked]="value().mechanism === 'webhook'"
                (change)="set('mechanism', 'webhook')"
              />
              Webhook (the git server calls a URL)
            </label>
          </div>
          @if (value().mechanism === 'interval') {
            <cap-form-field label="Interval" hint="e.g. 5m, 1h30m (at least 1m)." [error]="shown('interval')">
              <input
                capControl
                class="input mono narrow"
                autocomplete="off"
                data-testid="stack-git-interval"
                [value]="value().interval"
                (input)="set('interval', $any($event.target).value)"
              />
            </cap-form-field>
          } @else {
            <p class="muted small">Call this URL with POST from the git server's push hook:</p>
            <cap-copy-text testId="stack-git-webhook-url" [value]="webhookUrl()" />
          }
          <label class="check">
            <input
              type="checkbox"
              data-testid="stack-git-force"
              [checked]="value().forceUpdate"
              (change)="set('forceUpdate', $any($event.target).checked)"
            />
            Redeploy even when the commit did not change
          </label>
          <label class="check">
            <input
              type="checkbox"
              data-testid="stack-git-force-pull"
              [checked]="value().forcePullImage"
              (change)="set('forcePullImage', $any($event.target).checked)"
            />
            Pull the images again on every update
          </label>
        </div>
      }
    </fieldset>
  `,
  styles: `
    .git {
      border: 0;
      padding: 0;
      margin: 0;
      min-width: 0;
    }
    .grid-2 {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
      gap: 0 1rem;
      align-items: start;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: baseline;
      margin-bottom: 0.5rem;
    }
    .auto {
      border-left: 3px solid var(--border);
      padding-left: 0.75rem;
      margin: 0.25rem 0 0.5rem;
    }
    .narrow {
      max-width: 10rem;
    }
    .small {
      font-size: 0.85rem;
      margin: 0 0 0.4rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StackGitForm {
  readonly value = model.required<GitFormValue>();
  readonly showErrors = input(false);
  /** Editing an existing stack's settings: no URL or paths, an empty token keeps the stored one. */
  readonly settings = input(false);
  protected readonly errors = computed(() => gitFormErrors(this.value(), this.settings()));
  private readonly stacks = inject(StacksApi);
  protected readonly webhookUrl = computed(() => this.stacks.webhookUrlOf(this.value().webhook));

  protected shown(key: keyof GitFormErrors): string | null {
    return this.showErrors() ? (this.errors()[key] ?? null) : null;
  }

  protected set<K extends keyof GitFormValue>(key: K, v: GitFormValue[K]): void {
    this.value.update((cur) => ({ ...cur, [key]: v }));
  }
}
