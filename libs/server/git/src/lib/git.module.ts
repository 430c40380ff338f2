import { Module } from '@nestjs/common';
import { GitService } from './git.service';
import { GitopsController } from './gitops.controller';

@Module({
  controllers: [GitopsController],
  providers: [GitService],
  exports: [GitService],
})
export class GitModule {}
