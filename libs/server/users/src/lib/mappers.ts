import type { TeamMembershipResponse, TeamResponse, UserResponse } from './dto/users.dto';
import type { TeamEntity } from './entities/team.entity';
import type { TeamMembershipEntity } from './entities/team-membership.entity';
import type { UserEntity } from './entities/user.entity';

export function toUserResponse(u: UserEntity): UserResponse {
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
  return { Id: t.id, Name: t.name };
}

export function toMembershipResponse(m: TeamMembershipEntity): TeamMembershipResponse {
  return { Id: m.id, UserID: m.userId, TeamID: m.teamId, Role: m.role };
}
