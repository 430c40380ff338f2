import type { Routes } from '@angular/router';

import { CONTAINER_ROUTES } from './containers/containers.routes';

/**
 * `/environments/:envId/docker/...`: one Docker (or Podman) environment. `CONTAINER_ROUTES` is the environment
 * shell (`shell/`) with every page as its child: dashboard and containers (`containers/`), and
 * `RESOURCE_CHILDREN` (images, volumes, networks, events, engine info, in `resources/`).
 */
export const DOCKER_ROUTES: Routes = CONTAINER_ROUTES;
