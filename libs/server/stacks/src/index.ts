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
