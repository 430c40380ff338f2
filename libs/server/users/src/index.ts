export { UsersModule } from './lib/users.module';
export { UsersService, INITIAL_ADMIN_ID } from './lib/users.service';
export type { UserAuthInfo } from './lib/users.service';
export type { UserView } from './lib/user.view';
export { TeamsService } from './lib/teams.service';
export { AdminInitService } from './lib/admin-init.service';
export { AdminInitGate } from './lib/admin-init.gate';
export { UserResponse } from './lib/dto/users.dto';
export { toUserResponse } from './lib/mappers';
