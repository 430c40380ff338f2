import type { Routes } from '@angular/router';

import { CONTAINER_ROUTES } from './containers/containers.routes';
import { RESOURCE_ROUTES } from './resources/resources.routes';

/**
 * `/environments/:envId/docker/...`: one Docker (or Podman) environment. `containers/` holds the environment
 * shell, dashboard and containers; `resources/` holds images, volumes, networks, events and engine info.
 */
export const DOCKER_ROUTES: Routes = [...CONTAINER_ROUTES, ...RESOURCE_ROUTES];
