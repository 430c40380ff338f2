export { StacksModule } from './lib/stacks.module';
export {
  StacksService,
  StackTools,
  type CreateStackInput,
  type UpdateStackInput,
} from './lib/stacks.service';
export {
  StackDeployer,
  STACK_COMPOSE,
  STACK_SWARM,
  type DeployOptions,
  type DeployTarget,
} from './lib/stack-deployer';
export { StackFiles, type StackFile } from './lib/stack-files';
export { DeployProgress } from './lib/deploy-progress';
// For edge stacks (server-edge-compute): the same name, file, env and repository rules.
export { parseComposeFile } from './lib/compose-security';
export { checkStackName } from './lib/stack-names';
export { readRepositorySource, gitConfigView, type StoredGitConfig } from './lib/git-source';
export { checkEnv as checkStackEnv } from './lib/stacks.service';
export { MAX_STACK_FILE } from './lib/dto/stacks.dto';
