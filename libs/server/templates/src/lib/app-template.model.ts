import { AppTemplateType, type AppTemplate, type AppTemplateFile } from '@capstan/contracts-api';

export type { AppTemplate, AppTemplateFile } from '@capstan/contracts-api';

const TYPES = new Set<number>([
  AppTemplateType.Container,
  AppTemplateType.SwarmStack,
  AppTemplateType.ComposeStack,
]);

/**
 * A template file as fetched, checked: `{version: "3", templates: [...]}` where every entry has a known type and
 * a title, a container template an image, a stack template a repository or inline file. Entries get `id`s
 * 1..n in file order when they have none (Portainer numbers them the same way). Returns the reason it is
 * refused, or the file.
 */
export function parseTemplateFile(value: unknown): AppTemplateFile | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const file = value as Record<string, unknown>;
  const version = file['version'];
  if (version !== '3' && version !== 3)
    return `version ${JSON.stringify(version ?? null)} (only "3" is supported)`;
  if (!Array.isArray(file['templates'])) return '"templates" is not a list';
  const templates: AppTemplate[] = [];
  for (const [i, raw] of (file['templates'] as unknown[]).entries()) {
    const where = `template ${i + 1}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `${where} is not an object`;
    const t = raw as Record<string, unknown>;
    if (typeof t['type'] !== 'number' || !TYPES.has(t['type']))
      return `${where}: unknown type ${String(t['type'])}`;
    if (typeof t['title'] !== 'string' || t['title'] === '') return `${where}: no title`;
    const type = t['type'] as AppTemplateType;
    if (type === AppTemplateType.Container && typeof t['image'] !== 'string')
      return `${where} (${t['title']}): a container template needs an image`;
    if (type !== AppTemplateType.Container) {
      const repo = t['repository'] as Record<string, unknown> | undefined;
      const hasRepo = typeof repo?.['url'] === 'string' && typeof repo?.['stackfile'] === 'string';
      if (!hasRepo && typeof t['stackFileContent'] !== 'string')
        return `${where} (${t['title']}): a stack template needs a repository or stackFileContent`;
    }
    templates.push({
      ...(t as unknown as AppTemplate),
      description: typeof t['description'] === 'string' ? t['description'] : '',
      id: typeof t['id'] === 'number' ? t['id'] : i + 1,
    });
  }
  return { version: '3', templates };
}
