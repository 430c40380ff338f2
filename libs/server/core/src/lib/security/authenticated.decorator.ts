import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Permission } from '@capstan/contracts-api';

export const ACCESS_METADATA = 'capstan:access';

export interface AccessRule {
  readonly public: boolean;
  /** A global permission from the catalog; absent = any authenticated user. */
  readonly permission?: Permission;
  /** API keys may not be used (e.g. to mint another API key). */
  readonly tokenOnly?: boolean;
}

/** A route anyone may call. */
export function Public(): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCESS_METADATA, { public: true } satisfies AccessRule);
}

/**
 * The one decorator for authenticated routes: sets the guard's rule and the OpenAPI security together.
 * Routes without `@Public()` or `@Authenticated()` are refused (fail closed).
 */
export function Authenticated(
  options: { permission?: Permission; tokenOnly?: boolean } = {},
): MethodDecorator & ClassDecorator {
  const rule: AccessRule = { public: false, permission: options.permission, tokenOnly: options.tokenOnly };
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, rule),
    ApiBearerAuth('jwt'),
    ApiSecurity('api-key'),
    ApiCookieAuth('cookie'),
    ApiUnauthorizedResponse({ description: 'Missing, invalid, expired or revoked credentials' }),
    ApiForbiddenResponse({
      description: options.permission ? `Requires the "${options.permission}" permission` : 'Forbidden',
    }),
  );
}
