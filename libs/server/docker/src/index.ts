export { DockerModule } from './lib/docker.module';
export { DockerProxy, PROXY_PREFIX } from './lib/docker-proxy';
export { decide, engineRoute } from './lib/proxy-policy';
export { ConsoleStreams } from './lib/console-streams';
export { LiveStreams } from './lib/streams/live-streams';
export {
  StreamAccessPolicy,
  RoleStreamAccessPolicy,
  type StreamCaller,
  type EngineEvent,
  type EventPredicate,
  type InspectedContainer,
} from './lib/streams/stream-access';
