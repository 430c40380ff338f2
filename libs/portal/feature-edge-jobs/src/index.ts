export { EDGE_JOB_ROUTES } from './lib/edge-jobs.routes';
