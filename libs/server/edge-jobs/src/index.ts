export { EdgeJobsModule } from './lib/edge-jobs.module';
export { EdgeJobsService } from './lib/edge-jobs.service';
