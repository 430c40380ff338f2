export { TemplatesModule } from './lib/templates.module';
export { AppTemplatesService } from './lib/app-templates.service';
export { CustomTemplatesService, type CustomTemplateView } from './lib/custom-templates.service';
export type { AppTemplate, AppTemplateFile } from './lib/app-template.model';
