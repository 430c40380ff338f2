export { AuditModule } from './lib/audit.module';
export { AuditService } from './lib/audit.service';
export { ActivityRecorder } from './lib/activity-recorder';
export type { AuthEvent, ActivityEvent } from './lib/audit.service';
export { redact, payloadText } from './lib/redact';
