export { AuditModule } from './lib/audit.module';
export { AuditService } from './lib/audit.service';
export type { AuthEvent, ActivityEvent } from './lib/audit.service';
export { redact, payloadText } from './lib/redact';
