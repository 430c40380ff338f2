export { DockerModule } from './lib/docker.module';
export { DockerProxy, PROXY_PREFIX } from './lib/docker-proxy';
export { decide, engineRoute } from './lib/proxy-policy';
export { ConsoleStreams, CONSOLE_PATHS } from './lib/console-streams';
