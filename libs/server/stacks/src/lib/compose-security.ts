import { parse, parseDocument } from 'yaml';

/** The environment's security toggles that apply to a compose file (Portainer's SecuritySettings). */
export interface ComposeSecurityToggles {
  readonly allowBindMountsForRegularUsers: boolean;
  readonly allowPrivilegedModeForRegularUsers: boolean;
  readonly allowHostNamespaceForRegularUsers: boolean;
  readonly allowDeviceMappingForRegularUsers: boolean;
  readonly allowContainerCapabilitiesForRegularUsers: boolean;
  readonly allowSysctlSettingForRegularUsers: boolean;
}

export type ComposeFile = Record<string, unknown>;

/** Parses a compose file: a YAML mapping with a `services` mapping, or the YAML parser's message. */
export function parseComposeFile(
  text: string,
): { ok: true; file: ComposeFile } | { ok: false; reason: string } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) return { ok: false, reason: doc.errors[0]?.message ?? 'Invalid YAML' };
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'A compose file is a YAML mapping with a "services" key' };
  const services = (value as ComposeFile)['services'];
  if (typeof services !== 'object' || services === null || Array.isArray(services))
    return { ok: false, reason: 'The compose file has no "services" mapping' };
  return { ok: true, file: value as ComposeFile };
}

/** Re-exported for callers that only need a value (drift, adoption). */
export const parseYaml = parse;

/** A host path in a short volume syntax (`/src:/dst`, `./src:/dst`, `~/src:/dst`), or a long `type: bind`. */
function isBindMount(volume: unknown): boolean {
  if (typeof volume === 'string') {
    const parts = volume.split(':');
    return parts.length >= 2 && /^[/.~$]/.test(parts[0] ?? '');
  }
  if (typeof volume === 'object' && volume !== null)
    return (volume as Record<string, unknown>)['type'] === 'bind';
  return false;
}

const nonEmpty = (v: unknown) =>
  (Array.isArray(v) && v.length > 0) ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0);

/**
 * What a non-administrator may not use under the environment's toggles, per service: the first refusal as
 * `{what, service}`, or undefined. Checked before anything runs (the proxy checks the same toggles on API calls).
 */
export function composeSecurityViolation(
  file: ComposeFile,
  s: ComposeSecurityToggles,
): { what: string; service: string } | undefined {
  const services = file['services'] as Record<string, unknown>;
  for (const [service, raw] of Object.entries(services)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const svc = raw as Record<string, unknown>;
    const hit = (what: string) => ({ what, service });
    if (!s.allowPrivilegedModeForRegularUsers && svc['privileged'] === true) return hit('privileged mode');
    if (
      !s.allowHostNamespaceForRegularUsers &&
      (['pid', 'ipc', 'uts', 'userns_mode', 'network_mode'] as const).some((k) => svc[k] === 'host')
    )
      return hit('host namespaces');
    if (!s.allowDeviceMappingForRegularUsers && nonEmpty(svc['devices'])) return hit('device mapping');
    if (!s.allowContainerCapabilitiesForRegularUsers && nonEmpty(svc['cap_add'])) return hit('capabilities');
    if (!s.allowSysctlSettingForRegularUsers && nonEmpty(svc['sysctls'])) return hit('sysctl settings');
    if (!s.allowBindMountsForRegularUsers) {
      const volumes = Array.isArray(svc['volumes']) ? (svc['volumes'] as unknown[]) : [];
      if (volumes.some(isBindMount)) return hit('bind mounts');
    }
  }
  return undefined;
}
