import type { TeamMembershipResponse, TeamResponse, UserResponse } from './dto/users.dto';
import type { TeamEntity } from './entities/team.entity';
import type { TeamMembershipEntity } from './entities/team-membership.entity';
import type { UserEntity } from './entities/user.entity';
import type { UserView } from './user.view';

/** The entity's plain view: a new object with the listed fields only, so the password hash cannot ride along. */
export function toUserView(u: UserEntity): UserView {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    tokenVersion: u.tokenVersion,
    tokenIssueAt: u.tokenIssueAt,
    theme: u.theme,
    useCache: u.useCache,
  };
}

export function toUserResponse(u: UserView): UserResponse {
  return {
    Id: u.id,
    Username: u.username,
    Role: u.role,
    TokenIssueAt: u.tokenIssueAt,
    ThemeSettings: { color: u.theme },
    UseCache: u.useCache,
  };
}

export function toTeamResponse(t: TeamEntity): TeamResponse {
  return {
    Id: t.id,
    Name: t.name,
    ...(t.linkSource && t.linkGroup ? { LinkedGroup: { Source: t.linkSource, Group: t.linkGroup } } : {}),
  };
}

export function toMembershipResponse(m: TeamMembershipEntity): TeamMembershipResponse {
  return { Id: m.id, UserID: m.userId, TeamID: m.teamId, Role: m.role };
}
