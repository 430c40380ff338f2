import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { UnauthorizedError } from '../errors';
import { requestContext, type AuthenticatedUser } from '../http/request-context';

/** The authenticated caller of an `@Authenticated()` route. */
export const CurrentUser = createParamDecorator((_: unknown, _ctx: ExecutionContext): AuthenticatedUser => {
  const user = requestContext.getStore()?.user;
  if (!user) throw new UnauthorizedError('Unauthorized', 'No authenticated user');
  return user;
});
