export { RegistriesModule } from './lib/registries.module';
export { RegistriesService } from './lib/registries.service';
export {
  RegistryType,
  encodeRegistryAuth,
  registryIdOf,
  registryRefusal,
  splitImageHost,
  type DockerAuthConfig,
} from './lib/registry-types';
export { ImageUpdateChecker, parseReference } from './lib/image-updates';
