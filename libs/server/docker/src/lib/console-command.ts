import { Matches } from 'class-validator';
import { EnvironmentCommand } from './environment-command';

/** `/api/websocket/exec` and `/api/websocket/attach`: Portainer's query (`id`, `endpointId`, `nodeName`). */
export class ConsoleCommand extends EnvironmentCommand {
  /** The exec instance (exec) or the container (attach). */
  @Matches(/^[A-Za-z0-9_.-]{1,128}$/, { message: 'id (exec or container id) is required' })
  id!: string;
}
