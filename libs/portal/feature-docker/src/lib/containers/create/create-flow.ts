import {
  ApiError,
  type ContainersApi,
  type DockerEnvironmentApi,
  type ImagesApi,
} from '@capstan/portal-data-access';

import type { ContainerInspect } from '../../shared/docker-models';
import { type ContainerForm, imagePullQuery, ownershipBody, toCreateRequest } from './container-form';

export interface FlowDeps {
  containers: ContainersApi;
  images: ImagesApi;
  environments: DockerEnvironmentApi;
  envId: number;
  /** The caller's user id (private ownership). */
  me: number | undefined;
  /** Progress lines for the page ("Pulling nginx:latest: Downloading 3/7 layers"). */
  progress: (line: string) => void;
}

/** Pulls the image when the engine does not have it; follows the progress stream to its end. */
export async function ensureImage(deps: FlowDeps, image: string): Promise<void> {
  try {
    await deps.images.inspect(deps.envId, image);
    return;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
  deps.progress(`Pulling ${image}…`);
  const response = await deps.images.pull(deps.envId, imagePullQuery(image));
  const reader = response.body?.getReader();
  if (!reader) return;
  const decoder = new TextDecoder();
  let buffer = '';
  const layers = new Map<string, string>();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      const msg = JSON.parse(line) as {
        status?: string;
        id?: string;
        error?: string;
        errorDetail?: { message?: string };
      };
      if (msg.error)
        throw new ApiError(500, `Pull of ${image} failed`, msg.errorDetail?.message ?? msg.error);
      if (msg.id && msg.status) layers.set(msg.id, msg.status);
      const complete = [...layers.values()].filter((s) => /complete|exists/i.test(s)).length;
      deps.progress(`Pulling ${image}: ${msg.status ?? ''} (${complete}/${layers.size} layers)`);
    }
  }
}

/** Creates the container, sets its ownership, starts it if asked. Returns the new id. */
export async function createContainer(
  deps: FlowDeps,
  form: ContainerForm,
  name = form.name.trim(),
): Promise<string> {
  if (form.pullIfMissing) await ensureImage(deps, form.image.trim());
  deps.progress('Creating the container…');
  const created = await deps.containers.create(deps.envId, toCreateRequest(form), name);
  const rcId = created.Portainer?.ResourceControl?.Id;
  if (rcId !== undefined) {
    deps.progress('Setting ownership…');
    await deps.environments.setOwnership(rcId, ownershipBody(form, deps.me));
  }
  if (form.startAfterCreate) {
    deps.progress('Starting…');
    await deps.containers.lifecycle(deps.envId, created.Id, 'start');
  }
  return created.Id;
}

/**
 * Edit = recreate: stop the old container, rename it aside, create the new one under the old name, start it,
 * remove the old one. Any failure before the old one is removed rolls back (new one removed, old one renamed
 * back and restarted if it was running) and rethrows the first error.
 */
export async function recreateContainer(
  deps: FlowDeps,
  old: ContainerInspect,
  form: ContainerForm,
): Promise<string> {
  const name = form.name.trim() || old.Name.replace(/^\//, '');
  const oldName = old.Name.replace(/^\//, '');
  const aside = `${oldName}-capstan-old-${Date.now().toString(36)}`;
  const wasRunning = old.State.Running;
  const { envId, containers } = deps;
  if (form.pullIfMissing) await ensureImage(deps, form.image.trim());
  if (wasRunning) {
    deps.progress(`Stopping ${oldName}…`);
    await containers.lifecycle(envId, old.Id, 'stop');
  }
  let newId: string | null = null;
  try {
    deps.progress(`Renaming ${oldName} to ${aside}…`);
    await containers.rename(envId, old.Id, aside);
    newId = await createContainer(deps, { ...form, pullIfMissing: false, startAfterCreate: false }, name);
    if (form.startAfterCreate) {
      deps.progress('Starting…');
      await containers.lifecycle(envId, newId, 'start');
    }
  } catch (error) {
    deps.progress('Failed: rolling back…');
    if (newId) await containers.remove(envId, newId, { force: true }).catch(() => undefined);
    await containers.rename(envId, old.Id, oldName).catch(() => undefined);
    if (wasRunning) await containers.lifecycle(envId, old.Id, 'start').catch(() => undefined);
    throw error;
  }
  deps.progress(`Removing the old container…`);
  await containers.remove(envId, old.Id, { force: true });
  return newId;
}
