export { SettingsModule } from './lib/settings.module';
export { SettingsService } from './lib/settings.service';
export type { Settings, LabelPair } from './lib/settings.model';
export { DEFAULT_SETTINGS } from './lib/settings.model';
