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
  addDockerProxy(doc);
  addErrorResponses(doc);
  return sortKeys(doc);
}

/** The Docker API proxy is a raw Fastify route (bodies stream through): described here by hand. */
function addDockerProxy(doc: OpenAPIObject): void {
  const operation = (method: string) => ({
    tags: ['docker'],
    operationId: `DockerProxy${method}`,
    summary: `${method.toUpperCase()} on the Docker Engine API of environment {id}`,
    description:
      'Any Docker Engine API path, with or without a version prefix (/v1.41/containers/json), streamed both ways. ' +
      'Administrators and Environment administrators: everything; Operators: reads, container lifecycle and consoles; ' +
      'Helpdesk: reads and consoles; Standard and Read-only users: refused until resource controls exist.',
    security: [{ jwt: [] as string[] }, { 'api-key': [] as string[] }, { cookie: [] as string[] }] as Record<
      string,
      string[]
    >[],
    parameters: [
      { name: 'id', in: 'path' as const, required: true, schema: { type: 'integer' as const } },
      {
        name: 'path',
        in: 'path' as const,
        required: true,
        schema: { type: 'string' as const },
        description: 'Engine API path',
      },
    ],
    responses: { '200': { description: "The engine's reply, as is" } },
  });
  for (const kind of ['exec', 'attach'] as const) {
    doc.paths[`/api/websocket/${kind}`] = {
      get: {
        tags: ['websocket'],
        operationId: `Websocket${kind === 'exec' ? 'Exec' : 'Attach'}`,
        summary:
          kind === 'exec'
            ? 'WebSocket console on an exec instance (create it first through the Docker proxy)'
            : 'WebSocket attached to a container',
        description:
          'Upgrade to a WebSocket; text frames carry the terminal both ways. Resize through the Docker proxy ' +
          `(${kind === 'exec' ? '/exec/{id}/resize' : '/containers/{id}/resize'}). Needs a role that opens consoles; cookie sessions must come from the same origin.`,
        security: [
          { jwt: [] as string[] },
          { 'api-key': [] as string[] },
          { cookie: [] as string[] },
        ] as Record<string, string[]>[],
        parameters: [
          { name: 'endpointId', in: 'query' as const, required: true, schema: { type: 'integer' as const } },
          {
            name: 'id',
            in: 'query' as const,
            required: true,
            schema: { type: 'string' as const },
            description: kind === 'exec' ? 'Exec instance id' : 'Container id',
          },
          {
            name: 'token',
            in: 'query' as const,
            required: false,
            schema: { type: 'string' as const },
            description: 'JWT, for clients that cannot set headers',
          },
        ],
        responses: { '101': { description: 'Switching protocols' } },
      },
    };
  }
  doc.paths['/api/endpoints/{id}/docker/{path}'] = {
    get: operation('Get'),
    post: operation('Post'),
    put: operation('Put'),
    delete: operation('Delete'),
    head: operation('Head'),
  };
  // Async edge agents (a raw route: gzip bodies beyond the JSON limit), agent protocol §5.10.
  doc.paths['/api/endpoints/edge/async'] = {
    post: {
      tags: ['edge'],
      operationId: 'EndpointEdgeAsync',
      summary:
        'Async edge agent: ping, snapshot (full `docker`, or `dockerPatch` with `dockerHash`) and command tick in ' +
        'one request (gzip when it carries a snapshot); answers the intervals (nanoseconds), the commands after ' +
        '`commandTimestamp` and `needFullSnapshot`. Credential: X-PortainerAgent-EdgeID (+ X-Capstan-Edge-Secret)',
      parameters: [
        { name: 'X-PortainerAgent-EdgeID', in: 'header', required: true, schema: { type: 'string' } },
        { name: 'X-Capstan-Edge-Secret', in: 'header', required: false, schema: { type: 'string' } },
      ],
      requestBody: {
        required: false,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                endpointId: { type: 'integer', description: 'Absent for a global key' },
                metaFields: { type: 'object', nullable: true },
                commandTimestamp: { type: 'string', format: 'date-time' },
                snapshot: { type: 'object' },
                commandErrors: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'The intervals, commands and whether a full snapshot is needed',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  pingInterval: { type: 'integer' },
                  snapshotInterval: { type: 'integer' },
                  commandInterval: { type: 'integer' },
                  endpointID: { type: 'integer' },
                  commands: { type: 'array', items: { type: 'object' } },
                  needFullSnapshot: { type: 'boolean' },
                },
              },
            },
          },
        },
      },
    },
  };
}

/** Every operation can fail with Portainer's error body: describe it once and reference it everywhere. */
function addErrorResponses(doc: OpenAPIObject): void {
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.components.schemas['ApiError'] = {
    type: 'object',
    required: ['message', 'details'],
    properties: {
      message: { type: 'string', description: 'What went wrong', example: 'Invalid request payload' },
      details: {
        type: 'string',
        description: 'Why, or what to change',
        example: 'username must be a string',
      },
    },
  };
  for (const path of Object.values(doc.paths)) {
    for (const op of Object.values(path as Record<string, { responses?: Record<string, unknown> }>)) {
      if (typeof op !== 'object' || !op.responses) continue;
      op.responses['default'] ??= {
        description:
          'Error: `{message, details}` with the status code (400 invalid input, 401, 403, 404, 409, 422, 429…)',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      };
    }
  }
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
