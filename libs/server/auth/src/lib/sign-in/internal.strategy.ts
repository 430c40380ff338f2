import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { AuthenticationMethod } from '@capstan/contracts-api';
import { UsersService } from '@capstan/server-users';
import type { SignedInUser, SignInStrategy } from './sign-in-strategy';

/** Internal sign-in (Portainer's method 1): a username and a password checked against the users' own hashes. */
@Injectable()
export class InternalStrategy extends PassportStrategy(Strategy, 'internal') implements SignInStrategy {
  readonly method = AuthenticationMethod.Internal;
  override readonly name = 'internal';
  readonly context = 'internal';

  constructor(private readonly users: UsersService) {
    super({ session: false });
  }

  /** passport-local's verify step: the user, or false for wrong credentials (which the caller turns into a 422). */
  async validate(username: string, password: string): Promise<SignedInUser | false> {
    return (await this.users.verifyCredentials(username, password)) ?? false;
  }
}
