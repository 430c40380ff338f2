import { UnauthorizedError } from '../errors';
import { requestContext, type AuthenticatedUser } from '../http/request-context';
import { AuthenticatorPort, type CallerCredentials } from './authenticator.port';

/**
 * Who is calling, as every entry point asks it (the guard of controllers, the raw Docker proxy route, WebSocket
 * upgrades): the caller, or a 401 when the request carries no credentials. The caller is put in the request
 * context, for the logs and the activity log.
 */
export async function authenticateCaller(
  authenticator: AuthenticatorPort,
  req: CallerCredentials,
): Promise<AuthenticatedUser> {
  const user = await authenticator.authenticate(req);
  if (!user) throw new UnauthorizedError('Unauthorized', 'A valid authorisation token is missing');
  const store = requestContext.getStore();
  if (store) store.user = user;
  return user;
}
