import { ChangeDetectionStrategy, Component, computed, inject, input, model } from '@angular/core';
import {
  DockerEnvironmentApi,
  type OwnershipUpdate,
  type PortainerDecoration,
  SessionStore,
} from '@capstan/portal-data-access';

import { type Decorated, OWNERSHIP_LABELS, ownershipOf } from '../../shared/docker-models';

/** Who may use a volume or network created here. Restricted (chosen users/teams) is set on the container form. */
export type ResourceOwnership = 'private' | 'administrators' | 'public';

/** `PUT /api/resource_controls/{id}` body for a choice; `me` keeps access to a private resource. */
export function ownershipBody(choice: ResourceOwnership, me: number): OwnershipUpdate {
  switch (choice) {
    case 'public':
      return { Public: true, AdministratorsOnly: false, Users: [], Teams: [] };
    case 'administrators':
      return { Public: false, AdministratorsOnly: true, Users: [], Teams: [] };
    case 'private':
      return { Public: false, AdministratorsOnly: false, Users: [me], Teams: [] };
  }
}

/** The list column: Public / Administrators / Private / Restricted, or '—' without a resource control. */
export function ownershipLabel(item: PortainerDecoration): string {
  return OWNERSHIP_LABELS[ownershipOf(item as Decorated)];
}

/**
 * After a create: the server gave the creator a private resource control (named in the decorated create
 * response); any other choice is applied to it. Returns false when the choice could not be applied because
 * the response named no resource control.
 */
export async function applyOwnership(
  api: DockerEnvironmentApi,
  created: PortainerDecoration | null | undefined,
  choice: ResourceOwnership,
  me: number,
): Promise<boolean> {
  if (choice === 'private') return true;
  const rc = created?.Portainer?.ResourceControl;
  if (!rc) return false;
  await api.setOwnership(rc.Id, ownershipBody(choice, me));
  return true;
}

/** Radio group of the ownership choices (Administrators only for administrators). */
@Component({
  selector: 'cap-ownership-choice',
  template: `
    <fieldset class="ownership">
      <legend>Ownership</legend>
      @for (o of options(); track o.value) {
        <label class="check">
          <input
            type="radio"
            [name]="testId()"
            [value]="o.value"
            [attr.data-testid]="testId() + '-' + o.value"
            [checked]="value() === o.value"
            (change)="value.set(o.value)"
          />
          <span
            ><strong>{{ o.label }}</strong> <span class="muted">— {{ o.hint }}</span></span
          >
        </label>
      }
    </fieldset>
  `,
  styles: `
    .ownership {
      border: 0;
      padding: 0;
      margin: 0 0 1rem;
    }
    legend {
      font-weight: 600;
      font-size: 0.9rem;
      margin-bottom: 0.3rem;
    }
    .check {
      display: flex;
      gap: 0.5rem;
      align-items: baseline;
      margin: 0.25rem 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OwnershipChoice {
  private readonly session = inject(SessionStore);
  readonly value = model<ResourceOwnership>('private');
  readonly testId = input.required<string>();
  protected readonly options = computed(() => [
    { value: 'private' as const, label: 'Private', hint: 'only you (and administrators)' },
    ...(this.session.isAdmin()
      ? [{ value: 'administrators' as const, label: 'Administrators', hint: 'administrators only' }]
      : []),
    { value: 'public' as const, label: 'Public', hint: 'everyone with access to this environment' },
  ]);
}
