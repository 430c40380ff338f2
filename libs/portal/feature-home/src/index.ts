export { HOME_ROUTES } from './lib/home.routes';
