export { ENVIRONMENT_ADMIN_ROUTES } from './lib/environments.routes';
