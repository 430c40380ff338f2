/** Portainer's registry types (`portainer.RegistryType`). */
export enum RegistryType {
  Quay = 1,
  Azure = 2,
  Custom = 3,
  GitLab = 4,
  ProGet = 5,
  DockerHub = 6,
  Ecr = 7,
  GitHub = 8,
}

export const REGISTRY_TYPE_NAMES: Readonly<Record<RegistryType, string>> = {
  [RegistryType.Quay]: 'Quay.io',
  [RegistryType.Azure]: 'Azure',
  [RegistryType.Custom]: 'Custom',
  [RegistryType.GitLab]: 'GitLab',
  [RegistryType.ProGet]: 'ProGet',
  [RegistryType.DockerHub]: 'Docker Hub',
  [RegistryType.Ecr]: 'AWS ECR',
  [RegistryType.GitHub]: 'GitHub',
};

/** Where Docker Hub's images live (what `docker login` calls it). */
export const DOCKER_HUB_ADDRESS = 'docker.io';

/** Docker's auth config, what `X-Registry-Auth` carries (base64url JSON). */
export interface DockerAuthConfig {
  username: string;
  password: string;
  serveraddress: string;
}

/** `X-Registry-Auth` for Docker: URL-safe base64 (with padding) of the auth config JSON. */
export function encodeRegistryAuth(auth: DockerAuthConfig | Record<string, never>): string {
  return Buffer.from(JSON.stringify(auth)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * The stored registry a Portainer client names in `X-Registry-Auth` (`{"registryId": N}`, base64), or undefined
 * when the header carries real credentials (or nothing Capstan knows).
 */
export function registryIdOf(header: string): number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entry = Object.entries(value as Record<string, unknown>).find(
    ([k]) => k.toLowerCase() === 'registryid',
  );
  if (!entry) return undefined;
  const n = typeof entry[1] === 'string' && /^\d+$/.test(entry[1]) ? Number(entry[1]) : entry[1];
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * The engine's refusal of a pull or push with a stored registry's credentials, worded for the user: the registry
 * refused the credentials, or could not be reached. `undefined` for any other failure (passed through).
 */
export function registryRefusal(
  registry: string,
  engineMessage: string,
): { message: string; details: string } | undefined {
  if (
    /unauthorized|authentication required|denied|no basic auth credentials|incorrect username or password/i.test(
      engineMessage,
    )
  )
    return { message: `Registry "${registry}" refused the credentials`, details: engineMessage };
  if (
    /connection refused|no such host|i\/o timeout|dial tcp|server gave HTTP response to HTTPS client|x509|certificate/i.test(
      engineMessage,
    )
  )
    return { message: `Registry "${registry}" cannot be reached`, details: engineMessage };
  return undefined;
}

/** An image reference's registry host as Docker reads it (`docker.io` when it names none) and the rest. */
export function splitImageHost(image: string): { host: string; rest: string } {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost'
    ? { host: first.toLowerCase(), rest: image.slice(slash + 1) }
    : { host: DOCKER_HUB_ADDRESS, rest: image };
}
