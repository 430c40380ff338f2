export { AuthModule } from './lib/auth.module';
export { AuthService } from './lib/auth.service';
