import { Injectable, inject } from '@angular/core';
import type { MembershipRole } from '@capstan/contracts-api';

import { ApiClient, unwrap } from '../api/api-client';
import type { Team, TeamMembership } from '../models';

/** Teams and team memberships. */
@Injectable({ providedIn: 'root' })
export class TeamsApi {
  private readonly client = inject(ApiClient);

  list(): Promise<Team[]> {
    return unwrap(this.client.raw.GET('/api/teams'));
  }

  get(id: number): Promise<Team> {
    return unwrap(this.client.raw.GET('/api/teams/{id}', { params: { path: { id } } }));
  }

  create(name: string, teamLeaders?: number[]): Promise<Team> {
    return unwrap(this.client.raw.POST('/api/teams', { body: { name, teamLeaders } }));
  }

  rename(id: number, name: string): Promise<Team> {
    return unwrap(this.client.raw.PUT('/api/teams/{id}', { params: { path: { id } }, body: { name } }));
  }

  /** Links the team to a directory (LDAP) or provider (OAuth) group: sign-in adds and removes its members. */
  link(id: number, source: 'ldap' | 'oauth', group: string): Promise<Team> {
    return unwrap(
      this.client.raw.PUT('/api/teams/{id}/link', { params: { path: { id } }, body: { source, group } }),
    );
  }

  unlink(id: number): Promise<Team> {
    return unwrap(this.client.raw.DELETE('/api/teams/{id}/link', { params: { path: { id } } }));
  }

  async remove(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/teams/{id}', { params: { path: { id } } }));
  }

  memberships(id: number): Promise<TeamMembership[]> {
    return unwrap(this.client.raw.GET('/api/teams/{id}/memberships', { params: { path: { id } } }));
  }

  addMember(teamID: number, userID: number, role: MembershipRole): Promise<TeamMembership> {
    return unwrap(this.client.raw.POST('/api/team_memberships', { body: { userID, teamID, role } }));
  }

  changeRole(membership: TeamMembership, role: MembershipRole): Promise<TeamMembership> {
    return unwrap(
      this.client.raw.PUT('/api/team_memberships/{id}', {
        params: { path: { id: membership.Id } },
        body: { userID: membership.UserID, teamID: membership.TeamID, role },
      }),
    );
  }

  async removeMember(membershipId: number): Promise<void> {
    await unwrap(
      this.client.raw.DELETE('/api/team_memberships/{id}', { params: { path: { id: membershipId } } }),
    );
  }
}
