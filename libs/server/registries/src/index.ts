export { RegistriesModule } from './lib/registries.module';
export { RegistriesService } from './lib/registries.service';
export {
  RegistryType,
  encodeRegistryAuth,
  registryIdOf,
  registryRefusal,
  type DockerAuthConfig,
} from './lib/registry-types';
