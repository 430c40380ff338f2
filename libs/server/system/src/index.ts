export { SystemModule } from './lib/system.module';
export { SERVER_VERSION } from './lib/version';
