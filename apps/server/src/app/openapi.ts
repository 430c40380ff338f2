import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_HEADERS, AUTH_COOKIE } from '@capstan/contracts-api';
import { SERVER_VERSION } from '@capstan/server-system';

/** The OpenAPI document: served at /api/docs, and written to libs/contracts/api/openapi.json by `npm run openapi`. */
export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Capstan API')
    .setDescription(
      'Container management API, wire-compatible with Portainer CE where clients depend on it. ' +
        'Request JSON keys are matched case-insensitively. Errors are `{"message","details"}`.',
    )
    .setVersion(SERVER_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'jwt')
    .addApiKey({ type: 'apiKey', in: 'header', name: API_HEADERS.apiKey }, 'api-key')
    .addCookieAuth(AUTH_COOKIE, { type: 'apiKey', in: 'cookie', name: AUTH_COOKIE }, 'cookie')
    .build();
  const doc = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return sortKeys(doc);
}

/** Stable key order, so the committed spec diffs cleanly. */
function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => sortKeys(v)) as T;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((k) => [k, sortKeys(record[k])]),
    ) as T;
  }
  return value;
}
