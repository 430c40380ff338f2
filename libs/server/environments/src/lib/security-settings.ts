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
