/**
 * Templates (Portainer's app templates v3 and custom templates): the types the server answers with and the one
 * variable renderer the server and the portal share, so a preview in the portal is exactly what gets deployed.
 */

/** App template types (Portainer v3): 1 container, 2 Swarm stack, 3 compose stack. */
export enum AppTemplateType {
  Container = 1,
  SwarmStack = 2,
  ComposeStack = 3,
}

/** Custom template types (Portainer): 1 Swarm stack, 2 compose stack, 3 Kubernetes manifest. */
export enum CustomTemplateType {
  SwarmStack = 1,
  ComposeStack = 2,
  Kubernetes = 3,
}

/** An env field of an app template (Portainer v3): a value the user gives, a preset, or a choice. */
export interface AppTemplateEnv {
  name: string;
  label?: string;
  description?: string;
  default?: string;
  preset?: boolean;
  select?: { text: string; value: string; default?: boolean }[];
}

/** One entry of a Portainer v3 template file (the fields Portainer's UI reads; others are passed through). */
export interface AppTemplate {
  id?: number;
  type: AppTemplateType;
  title: string;
  description: string;
  categories?: string[];
  platform?: string;
  logo?: string;
  note?: string;
  name?: string;
  image?: string;
  registry?: string;
  command?: string;
  hostname?: string;
  ports?: string[];
  volumes?: { container: string; bind?: string; readonly?: boolean }[];
  env?: AppTemplateEnv[];
  labels?: { name: string; value: string }[];
  privileged?: boolean;
  interactive?: boolean;
  restart_policy?: string;
  repository?: { url: string; stackfile: string };
  /** Capstan: the stack file itself, for templates that must work without cloning a repository. */
  stackFileContent?: string;
  [extra: string]: unknown;
}

export interface AppTemplateFile {
  version: string;
  templates: AppTemplate[];
}

/** A choice of a variable: the value substituted and what the form shows. */
export interface TemplateVariableChoice {
  value: string;
  label?: string;
}

/** A `{{ name }}` variable of a custom template (Portainer's `Variables[]`; `select` is Capstan's choices). */
export interface TemplateVariable {
  name: string;
  label: string;
  defaultValue: string;
  description: string;
  select?: TemplateVariableChoice[];
}

/** A variable name: a letter or `_`, then letters, digits or `_` (what `{{ name }}` can reference). */
export const TEMPLATE_VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface RenderProblem {
  variable: string;
  problem: string;
}

/**
 * `{{ name }}` (spaces inside the braces allowed) replaced by the value given for `name`, else its default.
 * A value outside a variable's choices, or an empty value for a variable without a default, is a problem;
 * references to names that are not variables are left as they are (they may be compose's own syntax).
 */
export function renderTemplate(
  content: string,
  variables: readonly TemplateVariable[],
  values: Readonly<Record<string, string>> = {},
): { content: string; problems: RenderProblem[] } {
  const problems: RenderProblem[] = [];
  const resolved = new Map<string, string>();
  for (const v of variables) {
    const given = Object.prototype.hasOwnProperty.call(values, v.name) ? values[v.name] : undefined;
    const value = given ?? v.defaultValue;
    if (v.select && v.select.length > 0 && !v.select.some((c) => c.value === value)) {
      problems.push({
        variable: v.name,
        problem: `must be one of ${v.select.map((c) => JSON.stringify(c.value)).join(', ')}`,
      });
    } else if (value === '') {
      problems.push({ variable: v.name, problem: 'needs a value (it has no default)' });
    }
    resolved.set(v.name, value);
  }
  const rendered = content.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (whole, name: string) =>
    resolved.has(name) ? (resolved.get(name) as string) : whole,
  );
  return { content: rendered, problems };
}
