import { EnvironmentRoleId } from '@capstan/contracts-api';
import type { SecuritySettingsDto } from './dto/environments.dto';

/** Portainer's defaults at creation: volume browser and host management off, the rest on. */
export const DEFAULT_SECURITY_SETTINGS: Readonly<SecuritySettingsDto> = {
  allowBindMountsForRegularUsers: true,
  allowPrivilegedModeForRegularUsers: true,
  allowVolumeBrowserForRegularUsers: false,
  allowHostNamespaceForRegularUsers: true,
  allowDeviceMappingForRegularUsers: true,
  allowStackManagementForRegularUsers: true,
  allowContainerCapabilitiesForRegularUsers: true,
  allowSysctlSettingForRegularUsers: true,
  enableHostManagementFeatures: false,
};

export function parseSecuritySettings(json: string): SecuritySettingsDto {
  try {
    return { ...DEFAULT_SECURITY_SETTINGS, ...(JSON.parse(json) as Partial<SecuritySettingsDto>) };
  } catch {
    return { ...DEFAULT_SECURITY_SETTINGS };
  }
}

/** What the volume browser of an agent environment lets a caller do (Capstan: `CapstanAccess.VolumeBrowse`). */
export type VolumeBrowseAccess = 'none' | 'read' | 'write';

/**
 * Volume browsing through an agent (Portainer: `/v2/browse/*?volumeID=`). Administrators (`roleId` undefined)
 * always; every other user only when the environment's AllowVolumeBrowserForRegularUsers is on (Portainer checks
 * it for environment administrators too). Listing and downloading (`ls`, `get`) are reads; upload, delete and
 * rename are writes, which Read-only users and Helpdesk do not get. Which volumes a Standard or Read-only user may
 * browse is decided per volume by its resource control (the Docker proxy).
 */
export function volumeBrowseAccess(
  roleId: EnvironmentRoleId | undefined,
  isAgent: boolean,
  security: Pick<SecuritySettingsDto, 'allowVolumeBrowserForRegularUsers'>,
): VolumeBrowseAccess {
  if (!isAgent) return 'none';
  if (roleId === undefined) return 'write';
  if (!security.allowVolumeBrowserForRegularUsers) return 'none';
  return roleId === EnvironmentRoleId.ReadOnlyUser || roleId === EnvironmentRoleId.Helpdesk
    ? 'read'
    : 'write';
}
