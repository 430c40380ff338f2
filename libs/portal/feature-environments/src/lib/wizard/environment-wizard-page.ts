import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import {
  type EnvironmentGroup,
  type EnvironmentTag,
  EnvironmentsApi,
  type NewEnvironment,
  errorMessage,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField, PageHeader, ToastService } from '@capstan/portal-ui';

import { TagPicker } from '../shared/tag-picker';

export type EnvironmentKind = 'docker-socket' | 'docker-api' | 'podman-socket' | 'agent';

interface KindOption {
  readonly kind: EnvironmentKind;
  readonly title: string;
  readonly text: string;
  readonly url: string;
}

export const KIND_OPTIONS: readonly KindOption[] = [
  {
    kind: 'docker-socket',
    title: 'Docker socket',
    text: 'The Docker engine of this host, through its Unix socket.',
    url: 'unix:///var/run/docker.sock',
  },
  {
    kind: 'docker-api',
    title: 'Docker API',
    text: 'A remote Docker engine over TCP, optionally with TLS (CA, client certificate and key).',
    url: 'tcp://',
  },
  {
    kind: 'podman-socket',
    title: 'Podman socket',
    text: "Podman's Docker-compatible API on this host, through its Unix socket.",
    url: 'unix:///run/podman/podman.sock',
  },
  {
    kind: 'agent',
    title: 'Agent',
    text: 'A Capstan (or Portainer) agent over HTTPS with signed requests — e.g. on every node of a Swarm.',
    url: 'tcp://',
  },
];

type FileField = 'ca' | 'cert' | 'key';

/**
 * Add an environment in two steps: how Capstan reaches the engine, then its details. Submitting is the
 * connection test: the server pings the engine before storing anything, and its reason is shown as is.
 */
@Component({
  selector: 'cap-environment-wizard-page',
  imports: [Alert, FormField, FormControlDirective, PageHeader, RouterLink, TagPicker],
  template: `
    <cap-page-header title="Add an environment" [subtitle]="'Step ' + step() + ' of 2'">
      <a class="btn" routerLink="/environments">Cancel</a>
    </cap-page-header>

    @if (step() === 1) {
      <fieldset class="kinds">
        <legend>How does Capstan reach the engine?</legend>
        @for (option of kinds; track option.kind) {
          <label class="kind card" [class.on]="kind() === option.kind">
            <input
              type="radio"
              name="kind"
              [value]="option.kind"
              [checked]="kind() === option.kind"
              [attr.data-testid]="'wizard-type-' + option.kind"
              (change)="choose(option.kind)"
            />
            <span>
              <strong>{{ option.title }}</strong>
              <span class="muted">{{ option.text }}</span>
            </span>
          </label>
        }
      </fieldset>
      <div class="form-actions">
        <button type="button" class="btn btn-primary" data-testid="wizard-next" (click)="step.set(2)">
          Next ›
        </button>
      </div>
    } @else {
      <form class="card" id="wizard-form" novalidate (submit)="submit($event)">
        <h2>{{ option().title }}</h2>
        @if (serverError(); as message) {
          <cap-alert kind="error"> <strong>The environment was not added.</strong> {{ message }} </cap-alert>
        }
        <cap-form-field label="Name" [required]="true" [error]="shown('name')">
          <input
            capControl
            class="input"
            name="name"
            autocomplete="off"
            data-testid="wizard-name"
            [value]="name()"
            (input)="name.set($any($event.target).value)"
          />
        </cap-form-field>
        <cap-form-field
          [label]="kind() === 'docker-api' ? 'Engine URL' : kind() === 'agent' ? 'Agent URL' : 'Socket'"
          [required]="true"
          [hint]="
            kind() === 'docker-api'
              ? 'tcp://host:port, e.g. tcp://10.0.0.5:2376'
              : kind() === 'agent'
                ? 'tcp://host:9001 — the agent answers HTTPS; Capstan signs every request'
                : ''
          "
          [error]="shown('url')"
        >
          <input
            capControl
            class="input mono"
            name="url"
            autocomplete="off"
            data-testid="wizard-url"
            [value]="url()"
            (input)="url.set($any($event.target).value)"
          />
        </cap-form-field>

        @if (kind() === 'docker-api') {
          <label class="check">
            <input
              type="checkbox"
              data-testid="wizard-tls"
              [checked]="tls()"
              (change)="tls.set($any($event.target).checked)"
            />
            Use TLS
          </label>
          @if (tls()) {
            <div class="tls">
              <label class="check">
                <input
                  type="checkbox"
                  data-testid="wizard-tls-skip"
                  [checked]="skipVerify()"
                  (change)="skipVerify.set($any($event.target).checked)"
                />
                Skip the server's certificate verification
              </label>
              @for (f of fileFields; track f.field) {
                <cap-form-field [label]="f.label" [hint]="f.hint" [error]="shown(f.field)">
                  <input
                    capControl
                    class="input"
                    type="file"
                    accept=".pem,.crt,.cer,.key,text/plain"
                    [attr.data-testid]="'wizard-tls-' + f.field"
                    (change)="setFile(f.field, $any($event.target).files)"
                  />
                </cap-form-field>
              }
            </div>
          }
        }

        <cap-form-field label="Group">
          <select
            capControl
            class="input"
            name="group"
            data-testid="wizard-group"
            (change)="groupId.set(+$any($event.target).value)"
          >
            @for (g of groups(); track g.Id) {
              <option [value]="g.Id" [selected]="groupId() === g.Id">{{ g.Name }}</option>
            }
          </select>
        </cap-form-field>
        <cap-tag-picker
          [tags]="tags()"
          [selected]="tagIds()"
          (selectedChange)="tagIds.set($event)"
          (created)="tags.set([...tags(), $event])"
        />
        <cap-form-field
          label="Public IP or host name"
          hint="Used for the links to published ports; empty = the host of the URL."
        >
          <input
            capControl
            class="input"
            name="publicUrl"
            autocomplete="off"
            data-testid="wizard-public-url"
            [value]="publicUrl()"
            (input)="publicUrl.set($any($event.target).value)"
          />
        </cap-form-field>

        <div class="form-actions">
          <button type="button" class="btn" data-testid="wizard-back" (click)="back()">‹ Back</button>
          <button type="submit" class="btn btn-primary" data-testid="wizard-submit" [disabled]="busy()">
            {{ busy() ? 'Connecting…' : 'Connect and add' }}
          </button>
        </div>
      </form>
    }
  `,
  styles: `
    .kinds {
      border: 0;
      padding: 0;
      margin: 0 0 1rem;
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(15rem, 100%), 1fr));
      gap: 1rem;
    }
    .kinds legend {
      font-weight: 600;
      margin-bottom: 0.75rem;
    }
    .kind {
      display: flex;
      gap: 0.75rem;
      align-items: start;
      cursor: pointer;
    }
    .kind.on {
      border-color: var(--accent);
      background: var(--accent-soft);
    }
    .kind span {
      display: grid;
      gap: 0.25rem;
    }
    .card {
      margin: 0;
    }
    form.card {
      max-width: 42rem;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      margin-bottom: 1rem;
    }
    .tls {
      border-left: 3px solid var(--accent-soft);
      padding-left: 1rem;
      margin-bottom: 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EnvironmentWizardPage {
  private readonly api = inject(EnvironmentsApi);
  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);

  protected readonly kinds = KIND_OPTIONS;
  protected readonly fileFields: readonly { field: FileField; label: string; hint: string }[] = [
    { field: 'ca', label: 'CA certificate', hint: "Verifies the engine's certificate (PEM)." },
    { field: 'cert', label: 'Client certificate', hint: 'With the key, authenticates Capstan (PEM).' },
    { field: 'key', label: 'Client key', hint: 'PEM; stored encrypted, never shown again.' },
  ];

  readonly step = signal<1 | 2>(1);
  readonly kind = signal<EnvironmentKind>('docker-socket');
  protected readonly option = computed(
    () => KIND_OPTIONS.find((o) => o.kind === this.kind()) ?? KIND_OPTIONS[0],
  );
  protected readonly name = signal('');
  protected readonly url = signal(KIND_OPTIONS[0].url);
  protected readonly tls = signal(false);
  protected readonly skipVerify = signal(false);
  protected readonly files = signal<Record<FileField, File | null>>({ ca: null, cert: null, key: null });
  protected readonly groupId = signal(1);
  protected readonly tagIds = signal<number[]>([]);
  protected readonly publicUrl = signal('');
  protected readonly groups = signal<EnvironmentGroup[]>([]);
  protected readonly tags = signal<EnvironmentTag[]>([]);
  protected readonly busy = signal(false);
  protected readonly serverError = signal<string | null>(null);
  private readonly submitted = signal(false);

  protected readonly errors = computed<Record<'name' | 'url' | FileField, string | null>>(() => {
    const url = this.url().trim();
    const files = this.files();
    const tlsOn = this.kind() === 'docker-api' && this.tls();
    return {
      name: this.name().trim() ? null : 'Enter a name.',
      url:
        this.kind() === 'docker-api' || this.kind() === 'agent'
          ? /^tcp:\/\/[^/\s:]+:\d{1,5}$/.test(url)
            ? null
            : this.kind() === 'agent'
              ? 'Enter tcp://host:port (the agent listens on 9001).'
              : 'Enter tcp://host:port.'
          : /^unix:\/\/\/\S+$/.test(url)
            ? null
            : 'Enter the socket as unix:///path.',
      ca: null,
      cert: tlsOn && !files.cert && files.key ? 'The client key needs its certificate.' : null,
      key: tlsOn && files.cert && !files.key ? 'The client certificate needs its key.' : null,
    };
  });

  constructor() {
    void Promise.allSettled([this.api.groups(), this.api.tags()]).then(([groups, tags]) => {
      if (groups.status === 'fulfilled') this.groups.set(groups.value);
      if (tags.status === 'fulfilled') this.tags.set(tags.value);
    });
  }

  protected choose(kind: EnvironmentKind): void {
    const previous = this.option();
    this.kind.set(kind);
    // The URL follows the choice unless the user typed their own that still fits it (a socket path for a
    // socket, tcp:// for the API).
    const url = this.url().trim();
    const next = this.option().url;
    const fits = url.startsWith(next.slice(0, next.indexOf('://') + 3));
    if (url === '' || url === previous.url || !fits) this.url.set(next);
  }

  protected back(): void {
    this.serverError.set(null);
    this.step.set(1);
  }

  protected setFile(field: FileField, list: FileList | null): void {
    this.files.update((f) => ({ ...f, [field]: list?.item(0) ?? null }));
  }

  protected shown(field: 'name' | 'url' | FileField): string | null {
    return this.submitted() ? this.errors()[field] : null;
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy()) return;
    this.submitted.set(true);
    if (Object.values(this.errors()).some((e) => e !== null)) return;
    const kind = this.kind();
    const request: NewEnvironment = {
      name: this.name(),
      engine: kind === 'podman-socket' ? 'podman' : 'docker',
      agent: kind === 'agent',
      url: this.url(),
      groupId: this.groupId(),
      tagIds: this.tagIds(),
      publicUrl: this.publicUrl(),
      tls:
        kind === 'docker-api' && this.tls() ? { skipVerify: this.skipVerify(), ...this.files() } : undefined,
    };
    this.busy.set(true);
    this.serverError.set(null);
    try {
      const env = await this.api.create(request);
      this.toasts.success(`Environment ${env.Name} added`);
      await this.router.navigateByUrl('/environments');
    } catch (error) {
      this.serverError.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
