/**
 * INTERIM hand-written subset of the API schema, in openapi-typescript's output shape, written from
 * libs/contracts/api/README.md until libs/contracts/api/openapi.json exists.
 * Regenerate with `npx nx run portal-data-access:generate-client`; the generated file replaces this one.
 */
type Json<T> = { content: { 'application/json': T } };
type NoContent = { content?: never };
type Err = { content: { 'application/json': components['schemas']['ErrorResponse'] } };
type Errors = { 400: Err; 401: Err; 403: Err; 404: Err; 422: Err; 429: Err };
type Op<Params, Body, Ok> = [Body] extends [never]
  ? { parameters: Params & { header?: never; cookie?: never }; requestBody?: never; responses: Ok & Errors }
  : {
      parameters: Params & { header?: never; cookie?: never };
      requestBody: { content: { 'application/json': Body } };
      responses: Ok & Errors;
    };
type P<Path> = { query?: never; path: Path };
type Q<Query> = { query?: Query; path?: never };
type N = { query?: never; path?: never };
type S = components['schemas'];

export interface components {
  schemas: {
    ErrorResponse: { message: string; details: string };
    User: {
      Id: number;
      Username: string;
      Role: number;
      TokenIssueAt: number;
      ThemeSettings: { color: string };
      UseCache: boolean;
    };
    Team: { Id: number; Name: string };
    TeamMembership: { Id: number; UserID: number; TeamID: number; Role: number };
    ApiKey: { id: number; userId: number; description: string; prefix: string; dateCreated: number; lastUsed: number };
    SystemStatus: { Version: string; InstanceID: string };
    SystemVersion: {
      ServerVersion: string;
      ServerEdition: string;
      DatabaseVersion: string;
      Build: { BuildNumber: string; ImageTag: string; NodejsVersion: string; GitCommit: string; Env: string[] };
      UpdateAvailable: boolean;
      LatestVersion: string;
    };
    PublicSettings: {
      LogoURL: string;
      AuthenticationMethod: number;
      RequiredPasswordLength: number;
      EnableEdgeComputeFeatures: boolean;
      EnableTelemetry: boolean;
      OAuthLoginURI: string;
      OAuthLogoutURI: string;
    };
    Settings: {
      LogoURL: string;
      BlackListedLabels: { name: string; value: string }[];
      AuthenticationMethod: number;
      InternalAuthSettings: { RequiredPasswordLength: number };
      UserSessionTimeout: string;
      SnapshotInterval: string;
      EnableTelemetry: boolean;
      AuditLogRetentionDays: number;
    };
    AuthLog: { id: number; timestamp: number; username: string; context: string; origin: string; type: string };
    ActivityLog: {
      id: number;
      timestamp: number;
      username: string;
      userId: number;
      method: string;
      path: string;
      environmentId: number;
      status: number;
      payload: string;
      requestId: string;
    };
  };
}

type LogQuery = {
  offset?: number;
  limit?: number;
  before?: number;
  after?: number;
  username?: string;
  keyword?: string;
  type?: string;
};

export interface paths {
  '/api/system/status': { get: Op<N, never, { 200: Json<S['SystemStatus']> }> };
  '/api/system/version': { get: Op<N, never, { 200: Json<S['SystemVersion']> }> };
  '/api/settings/public': { get: Op<N, never, { 200: Json<S['PublicSettings']> }> };
  '/api/settings': {
    get: Op<N, never, { 200: Json<S['Settings']> }>;
    put: Op<N, Partial<S['Settings']>, { 200: Json<S['Settings']> }>;
  };
  '/api/users/admin/check': { get: Op<N, never, { 204: NoContent }> };
  '/api/users/admin/init': {
    post: Op<N, { username: string; password: string }, { 200: Json<S['User']>; 409: Err }>;
  };
  '/api/auth': { post: Op<N, { username: string; password: string }, { 200: Json<{ jwt: string }> }> };
  '/api/auth/logout': { post: Op<N, never, { 204: NoContent }> };
  '/api/users': {
    get: Op<N, never, { 200: Json<S['User'][]> }>;
    post: Op<N, { username: string; password: string; role: number }, { 200: Json<S['User']>; 409: Err }>;
  };
  '/api/users/me': { get: Op<N, never, { 200: Json<S['User']> }> };
  '/api/users/{id}': {
    get: Op<P<{ id: number }>, never, { 200: Json<S['User']> }>;
    put: Op<
      P<{ id: number }>,
      {
        username?: string;
        password?: string;
        newPassword?: string;
        role?: number;
        theme?: { color: string };
        useCache?: boolean;
      },
      { 200: Json<S['User']> }
    >;
    delete: Op<P<{ id: number }>, never, { 204: NoContent }>;
  };
  '/api/users/{id}/passwd': {
    put: Op<P<{ id: number }>, { password: string; newPassword: string }, { 204: NoContent }>;
  };
  '/api/users/{id}/memberships': { get: Op<P<{ id: number }>, never, { 200: Json<S['TeamMembership'][]> }> };
  '/api/users/{id}/tokens': {
    get: Op<P<{ id: number }>, never, { 200: Json<S['ApiKey'][]> }>;
    post: Op<
      P<{ id: number }>,
      { description: string; password: string },
      { 200: Json<{ rawAPIKey: string; apiKey: S['ApiKey'] }> }
    >;
  };
  '/api/users/{id}/tokens/{keyId}': {
    delete: Op<P<{ id: number; keyId: number }>, never, { 204: NoContent }>;
  };
  '/api/teams': {
    get: Op<N, never, { 200: Json<S['Team'][]> }>;
    post: Op<N, { name: string; teamLeaders?: number[] }, { 200: Json<S['Team']>; 409: Err }>;
  };
  '/api/teams/{id}': {
    get: Op<P<{ id: number }>, never, { 200: Json<S['Team']> }>;
    put: Op<P<{ id: number }>, { name: string }, { 200: Json<S['Team']> }>;
    delete: Op<P<{ id: number }>, never, { 204: NoContent }>;
  };
  '/api/teams/{id}/memberships': { get: Op<P<{ id: number }>, never, { 200: Json<S['TeamMembership'][]> }> };
  '/api/team_memberships': {
    get: Op<N, never, { 200: Json<S['TeamMembership'][]> }>;
    post: Op<N, { userID: number; teamID: number; role: number }, { 200: Json<S['TeamMembership']> }>;
  };
  '/api/team_memberships/{id}': {
    put: Op<P<{ id: number }>, { userID: number; teamID: number; role: number }, { 200: Json<S['TeamMembership']> }>;
    delete: Op<P<{ id: number }>, never, { 204: NoContent }>;
  };
  '/api/audit/auth-logs': { get: Op<Q<LogQuery>, never, { 200: Json<{ logs: S['AuthLog'][]; totalCount: number }> }> };
  '/api/audit/activity-logs': {
    get: Op<Q<LogQuery>, never, { 200: Json<{ logs: S['ActivityLog'][]; totalCount: number }> }>;
  };
}
