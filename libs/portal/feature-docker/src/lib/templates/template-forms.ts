import { AppTemplateType } from '@capstan/contracts-api';
import type { AppTemplate, AppTemplateEnv, StackEnvVar } from '@capstan/portal-data-access';

import { emptyForm, type ContainerForm, type RestartPolicy } from '../containers/create/container-form';

/** What the user typed per field name (absent: untouched). */
export type TemplateValues = Readonly<Partial<Record<string, string>>>;

/** A test id fragment from a title: lower case, runs of other characters as one '-'. */
export function templateSlug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function appTemplateKind(t: AppTemplate): string {
  switch (t.type) {
    case AppTemplateType.Container:
      return 'Container';
    case AppTemplateType.SwarmStack:
      return 'Swarm stack';
    case AppTemplateType.ComposeStack:
      return 'Compose stack';
  }
}

/** Every category of the list, sorted, each once (case-insensitively). */
export function templateCategories(list: readonly AppTemplate[]): string[] {
  const seen = new Map<string, string>();
  for (const t of list)
    for (const c of t.categories ?? []) if (!seen.has(c.toLowerCase())) seen.set(c.toLowerCase(), c);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

/**
 * The templates matching a search (title, description, categories, image) and a category ('' = all). Swarm
 * stack templates only where the engine is a Swarm manager, compose ones only where it is not (as Portainer).
 */
export function filterTemplates(
  list: readonly AppTemplate[],
  query: string,
  category: string,
  swarm: boolean,
): AppTemplate[] {
  const q = query.trim().toLowerCase();
  const cat = category.toLowerCase();
  return list.filter((t) => {
    if (t.type === AppTemplateType.SwarmStack && !swarm) return false;
    if (t.type === AppTemplateType.ComposeStack && swarm) return false;
    if (cat && !(t.categories ?? []).some((c) => c.toLowerCase() === cat)) return false;
    if (!q) return true;
    return [t.title, t.description, t.image ?? '', ...(t.categories ?? [])].some((f) =>
      f.toLowerCase().includes(q),
    );
  });
}

/** A field's starting value: the choice marked default, else the first choice, else its default. */
function initialValue(field: AppTemplateEnv): string {
  return field.select?.find((c) => c.default)?.value ?? field.select?.[0]?.value ?? field.default ?? '';
}

/** The env fields the user fills (preset ones are fixed), each with its starting value. */
export function templateEnvFields(t: AppTemplate): { field: AppTemplateEnv; value: string }[] {
  return (t.env ?? []).filter((e) => !e.preset).map((field) => ({ field, value: initialValue(field) }));
}

/** The template's env as the API takes it: presets with their defaults, the others as given. */
export function templateEnv(t: AppTemplate, values: TemplateValues): StackEnvVar[] {
  return (t.env ?? []).map((e) => ({
    name: e.name,
    value: e.preset ? (e.default ?? '') : (values[e.name] ?? initialValue(e)),
  }));
}

/** Fields the user left empty that have no default ("Required" in Portainer's files), by label. */
export function missingTemplateEnv(t: AppTemplate, values: TemplateValues): string[] {
  return (t.env ?? [])
    .filter((e) => !e.preset && !(values[e.name] ?? initialValue(e)).trim())
    .map((e) => e.label || e.name);
}

const RESTART: readonly RestartPolicy[] = ['no', 'always', 'unless-stopped', 'on-failure'];

/**
 * The container create form of a container template: image, command, ports (host ports as given, blank = any
 * free one), bind volumes (container-only ones are the image's anonymous volumes), env, labels, restart policy,
 * privileged and interactive flags.
 */
export function templateContainerForm(
  t: AppTemplate,
  name: string,
  values: TemplateValues,
  hostPorts: TemplateValues = {},
): ContainerForm {
  const form = emptyForm();
  const restart = (t.restart_policy ?? 'no') as RestartPolicy;
  return {
    ...form,
    name: name.trim(),
    image: t.registry ? `${t.registry.replace(/\/$/, '')}/${t.image ?? ''}` : (t.image ?? ''),
    command: t.command ?? '',
    interactive: t.interactive === true,
    privileged: t.privileged === true,
    restartPolicy: RESTART.includes(restart) ? restart : 'no',
    ports: (t.ports ?? []).map((p) => {
      const [spec, proto] = p.split('/');
      const [host, container] = spec.includes(':') ? spec.split(':') : ['', spec];
      return {
        host: hostPorts[p] ?? host,
        container,
        protocol: proto === 'udp' ? ('udp' as const) : ('tcp' as const),
      };
    }),
    volumes: (t.volumes ?? [])
      .filter((v) => v.bind)
      .map((v) => ({
        type: 'bind' as const,
        source: v.bind ?? '',
        target: v.container,
        readOnly: v.readonly === true,
      })),
    env: templateEnv(t, values).map((e) => ({ key: e.name, value: e.value })),
    labels: (t.labels ?? []).map((l) => ({ key: l.name, value: l.value })),
  };
}
