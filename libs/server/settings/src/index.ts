export { SettingsModule } from './lib/settings.module';
export { SettingsService } from './lib/settings.service';
export type {
  Settings,
  LabelPair,
  LdapSettings,
  LdapSearchSettings,
  LdapGroupSearchSettings,
  OAuthSettings,
} from './lib/settings.model';
export { LdapServerType, DEFAULT_LDAP_SETTINGS } from './lib/settings.model';
export { LdapSettingsDto } from './lib/dto/settings.dto';
export { DEFAULT_SETTINGS } from './lib/settings.model';
