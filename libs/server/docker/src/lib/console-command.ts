import { Matches } from 'class-validator';
import { EnvironmentCommand } from './environment-command';

/** `/api/websocket/exec` and `/api/websocket/attach`: Portainer's query (`id`, `endpointId`, `nodeName`). */
export class ConsoleCommand extends EnvironmentCommand {
  /** The exec instance (exec) or the container (attach). */
  @Matches(/^[A-Za-z0-9_.-]{1,128}$/, { message: 'id must be an exec instance id or a container id or name' })
  id!: string;
}
