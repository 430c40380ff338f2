import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  type Environment,
  type EnvironmentGroup,
  type EnvironmentRole,
  type EnvironmentTag,
  EnvironmentsApi,
  errorMessage,
} from '@capstan/portal-data-access';
import { Alert, FormControlDirective, FormField, PageHeader, Spinner } from '@capstan/portal-ui';

import { AccessEditor, type AccessPolicies } from '../shared/access-editor';
import { AccessCandidates, PageWork } from '../shared/page-work';
import { TagPicker } from '../shared/tag-picker';
import { UNASSIGNED_GROUP_ID } from './groups-page';

/** One group: name, description and tags; its environments; its access policies (inherited by them). */
@Component({
  selector: 'cap-group-detail-page',
  imports: [AccessEditor, Alert, FormField, FormControlDirective, PageHeader, RouterLink, Spinner, TagPicker],
  template: `
    <cap-page-header [title]="group()?.Name ?? 'Group'" subtitle="Environment group">
      <a class="btn" routerLink="/environments/groups">‹ Groups</a>
    </cap-page-header>

    @if (loadError(); as message) {
      <cap-alert kind="error">{{ message }}</cap-alert>
    } @else if (group(); as g) {
      <div class="grid-2">
        <form class="card" novalidate (submit)="saveGeneral($event)">
          <h2>General</h2>
          <cap-form-field label="Name" [required]="true" [error]="!name().trim() ? 'Enter a name.' : null">
            <input
              capControl
              class="input"
              data-testid="group-edit-name"
              [value]="name()"
              (input)="name.set($any($event.target).value)"
            />
          </cap-form-field>
          <cap-form-field label="Description">
            <input
              capControl
              class="input"
              data-testid="group-edit-description"
              [value]="description()"
              (input)="description.set($any($event.target).value)"
            />
          </cap-form-field>
          <cap-tag-picker
            [tags]="tags()"
            [selected]="tagIds()"
            (selectedChange)="tagIds.set($event)"
            (created)="tags.set([...tags(), $event])"
          />
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" data-testid="group-edit-save" [disabled]="busy()">
              Save
            </button>
          </div>
        </form>

        <section class="card" aria-labelledby="members-title">
          <h2 id="members-title">Environments</h2>
          @if (g.Id === unassigned) {
            <p class="muted">Environments land here when no other group holds them.</p>
          }
          <ul class="members">
            @for (e of envs(); track e.Id) {
              <li>
                <label>
                  <input
                    type="checkbox"
                    [attr.data-testid]="'group-member-' + e.Name"
                    [checked]="e.GroupId === g.Id"
                    [disabled]="busy() || (g.Id === unassigned && e.GroupId === g.Id)"
                    (change)="setMember(e, $any($event.target).checked)"
                  />
                  {{ e.Name }}
                  @if (e.GroupId !== g.Id) {
                    <span class="muted">({{ groupName(e.GroupId) }})</span>
                  }
                </label>
              </li>
            } @empty {
              <li class="muted">No environment yet.</li>
            }
          </ul>
        </section>
      </div>

      <section class="card access" aria-labelledby="access-title">
        <h2 id="access-title">Access</h2>
        <p class="muted">A role given here applies to every environment of the group.</p>
        <cap-access-editor
          [users]="candidates.users()"
          [teams]="candidates.teams()"
          [roles]="roles()"
          [userPolicies]="g.UserAccessPolicies"
          [teamPolicies]="g.TeamAccessPolicies"
          [busy]="busy()"
          (saved)="saveAccess($event)"
        />
      </section>
    } @else {
      <cap-spinner label="Loading the group" />
    }
  `,
  styles: `
    .members {
      list-style: none;
      padding: 0;
      margin: 0;
      display: grid;
      gap: 0.4rem;
    }
    .members label {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      flex-wrap: wrap;
    }
    .access {
      margin-top: 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GroupDetailPage {
  private readonly api = inject(EnvironmentsApi);
  protected readonly candidates = new AccessCandidates();
  private readonly work = new PageWork();
  protected readonly busy = this.work.busy;

  /** Route parameter. */
  readonly id = input.required<string>();
  private readonly groupId = computed(() => Number(this.id()));

  protected readonly unassigned = UNASSIGNED_GROUP_ID;
  protected readonly group = signal<EnvironmentGroup | null>(null);
  protected readonly groups = signal<EnvironmentGroup[]>([]);
  protected readonly envs = signal<Environment[]>([]);
  protected readonly tags = signal<EnvironmentTag[]>([]);
  protected readonly roles = signal<EnvironmentRole[]>([]);
  protected readonly loadError = signal<string | null>(null);
  protected readonly name = signal('');
  protected readonly description = signal('');
  protected readonly tagIds = signal<number[]>([]);

  constructor() {
    effect(() => {
      const id = this.groupId();
      untracked(() => void this.load(id));
    });
  }

  protected groupName(id: number): string {
    return this.groups().find((g) => g.Id === id)?.Name ?? `group ${id}`;
  }

  protected async saveGeneral(event: Event): Promise<void> {
    event.preventDefault();
    if (!this.name().trim()) return;
    await this.work.run('Group saved', async () => {
      this.apply(
        await this.api.updateGroup(this.groupId(), {
          Name: this.name().trim(),
          Description: this.description(),
          TagIDs: this.tagIds(),
        }),
      );
    });
  }

  protected async saveAccess(policies: AccessPolicies): Promise<void> {
    await this.work.run('Access saved', async () => {
      this.apply(
        await this.api.updateGroup(this.groupId(), {
          UserAccessPolicies: policies.users,
          TeamAccessPolicies: policies.teams,
        }),
      );
    });
  }

  protected async setMember(env: Environment, member: boolean): Promise<void> {
    await this.work.run(
      member ? `${env.Name} added to the group` : `${env.Name} moved to Unassigned`,
      async () => {
        if (member) await this.api.addToGroup(this.groupId(), env.Id);
        else await this.api.removeFromGroup(this.groupId(), env.Id);
        this.envs.set((await this.api.list({ sort: 'Name' })).items);
      },
    );
  }

  private apply(group: EnvironmentGroup): void {
    this.group.set(group);
    this.name.set(group.Name);
    this.description.set(group.Description);
    this.tagIds.set([...group.TagIds]);
  }

  private async load(id: number): Promise<void> {
    try {
      const groups = await this.api.groups();
      const group = groups.find((g) => g.Id === id);
      if (!group) throw new Error(`No group ${id}`);
      const [page, tags, roles] = await Promise.all([
        this.api.list({ sort: 'Name' }),
        this.api.tags(),
        this.api.roles(),
      ]);
      this.groups.set(groups);
      this.envs.set(page.items);
      this.tags.set(tags);
      this.roles.set(roles);
      this.apply(group);
    } catch (error) {
      this.loadError.set(`Could not load the group: ${errorMessage(error)}`);
      return;
    }
    await this.candidates.load();
  }
}
