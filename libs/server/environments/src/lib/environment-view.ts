import type { EngineConnection } from './engine/engine-connection';
import type { SecuritySettingsDto } from './dto/environments.dto';

/**
 * What other modules get of an environment: plain data, never the entity. Its security settings are parsed
 * here (the JSON column stays this module's business); its connection is decrypted, for the server's own
 * calls, and never serialised into an answer.
 */
export interface EnvironmentView {
  readonly id: number;
  readonly name: string;
  /** Portainer's environment type (1 Docker, 2 agent…). */
  readonly type: number;
  readonly groupId: number;
  readonly url: string;
  readonly security: Readonly<SecuritySettingsDto>;
  /** Reached through a classic agent (signed HTTPS, target node). */
  readonly agent: boolean;
  /** How to reach the engine (no timeout: `EnvironmentsService.connectionOf(view, timeoutMs)` sets one). */
  readonly connection: EngineConnection;
}
