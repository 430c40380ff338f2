export { DOCKER_ROUTES } from './lib/docker.routes';
