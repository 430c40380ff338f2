export * from './lib/permissions';
export * from './lib/api-types';
export * from './lib/resource-controls';
export * from './lib/templates';
export * from './lib/docker-ids';
export * from './lib/edge-cron';
