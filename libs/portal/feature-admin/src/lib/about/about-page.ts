import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { AdminApi, type SystemVersion, errorMessage } from '@capstan/portal-data-access';
import { Alert, PageHeader, Spinner } from '@capstan/portal-ui';

/** Version and build of the server (`GET /api/system/version`). */
@Component({
  selector: 'cap-about-page',
  imports: [Alert, PageHeader, Spinner],
  template: `
    <cap-page-header title="About" subtitle="Capstan, an open-source container management platform." />
    @if (error(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    } @else if (version(); as v) {
      <section class="card" aria-labelledby="version-title">
        <h2 id="version-title">Server</h2>
        <dl>
          <dt>Version</dt>
          <dd data-testid="about-version">{{ v.ServerVersion }}</dd>
          <dt>Edition</dt>
          <dd>{{ v.ServerEdition }}</dd>
          <dt>Database version</dt>
          <dd>{{ v.DatabaseVersion }}</dd>
          <dt>Build</dt>
          <dd>{{ v.Build.BuildNumber || '—' }}</dd>
          <dt>Image tag</dt>
          <dd>{{ v.Build.ImageTag || '—' }}</dd>
          <dt>Node.js</dt>
          <dd>{{ v.Build.NodejsVersion }}</dd>
          <dt>Git commit</dt>
          <dd class="mono">{{ v.Build.GitCommit || '—' }}</dd>
          <dt>Update</dt>
          <dd>
            @if (v.UpdateAvailable) {
              <span class="badge badge-accent">{{ v.LatestVersion }} available</span>
            } @else {
              Up to date
            }
          </dd>
        </dl>
      </section>
    } @else {
      <cap-spinner />
    }
  `,
  styles: `
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.4rem 1.5rem;
      margin: 0;
    }
    dt {
      color: var(--text-muted);
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AboutPage {
  protected readonly version = signal<SystemVersion | null>(null);
  protected readonly error = signal<string | null>(null);

  constructor() {
    inject(AdminApi)
      .version()
      .then((v) => this.version.set(v))
      .catch((error: unknown) => this.error.set(`Could not read the version: ${errorMessage(error)}`));
  }
}
