export { RbacModule } from './lib/rbac.module';
