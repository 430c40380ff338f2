export { ACCOUNT_ROUTES } from './lib/account.routes';
