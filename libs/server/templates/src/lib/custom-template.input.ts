import { CustomTemplateType, TEMPLATE_VARIABLE_NAME, type TemplateVariable } from '@capstan/contracts-api';
import { BadRequestError } from '@capstan/server-core';

/** A custom template's file: a compose file or manifest, never megabytes. */
export const MAX_TEMPLATE_CONTENT_BYTES = 512 * 1024;
const MAX_VARIABLES = 100;

/** What create and update accept, from JSON (`string`) or a multipart form (`file`), checked once. */
export interface CustomTemplateInput {
  Title: string;
  Description: string;
  Note: string;
  Logo: string;
  Platform: 1 | 2;
  Type: CustomTemplateType;
  FileContent: string;
  Variables: TemplateVariable[];
  EdgeTemplate: boolean;
  IsComposeFormat: boolean;
}

const invalid = (details: string) => new BadRequestError('Invalid request payload', details);

/** The value of `key` in `body`, its name matched case-insensitively (Portainer clients send either case). */
function field(body: Record<string, unknown>, key: string): unknown {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(body)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function text(body: Record<string, unknown>, key: string, max: number, required: boolean): string {
  const v = field(body, key);
  if (v === undefined || v === null || v === '') {
    if (required) throw invalid(`${key} is required`);
    return '';
  }
  if (typeof v !== 'string') throw invalid(`${key} must be a string`);
  if (v.length > max) throw invalid(`${key} is longer than ${max} characters`);
  return v;
}

function flag(body: Record<string, unknown>, key: string): boolean {
  const v = field(body, key);
  if (v === undefined || v === null || v === '') return false;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw invalid(`${key} must be true or false`);
}

function integer(body: Record<string, unknown>, key: string, allowed: readonly number[]): number {
  const raw = field(body, key);
  const v = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof v !== 'number' || !allowed.includes(v))
    throw invalid(`${key} must be one of ${allowed.join(', ')}`);
  return v;
}

function variables(body: Record<string, unknown>): TemplateVariable[] {
  let raw = field(body, 'Variables');
  if (raw === undefined || raw === null || raw === '') return [];
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      throw invalid('Variables must be a JSON list');
    }
  }
  if (!Array.isArray(raw)) throw invalid('Variables must be a list');
  if (raw.length > MAX_VARIABLES) throw invalid(`At most ${MAX_VARIABLES} variables`);
  const seen = new Set<string>();
  return raw.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw invalid(`Variables[${i}] must be an object`);
    const v = item as Record<string, unknown>;
    const name = text(v, 'name', 64, true);
    if (!TEMPLATE_VARIABLE_NAME.test(name))
      throw invalid(
        `Variables[${i}].name "${name}" must be letters, digits or "_", not starting with a digit`,
      );
    if (seen.has(name)) throw invalid(`Variables: "${name}" is defined twice`);
    seen.add(name);
    const out: TemplateVariable = {
      name,
      label: text(v, 'label', 200, false) || name,
      defaultValue: text(v, 'defaultValue', 4096, false),
      description: text(v, 'description', 2000, false),
    };
    const select = field(v, 'select');
    if (select !== undefined && select !== null) {
      if (!Array.isArray(select) || select.length > 100)
        throw invalid(`Variables[${i}].select must be a list of at most 100 choices`);
      out.select = select.map((c, j) => {
        if (typeof c !== 'object' || c === null)
          throw invalid(`Variables[${i}].select[${j}] must be an object`);
        const choice = c as Record<string, unknown>;
        return {
          value: text(choice, 'value', 4096, false),
          label: text(choice, 'label', 200, false) || undefined,
        };
      });
      if (
        out.select.length > 0 &&
        out.defaultValue !== '' &&
        !out.select.some((c) => c.value === out.defaultValue)
      )
        throw invalid(`Variables[${i}]: the default "${out.defaultValue}" is not one of its choices`);
    }
    return out;
  });
}

function logo(url: string): string {
  if (url !== '' && !/^https?:\/\/[^\s]+$/i.test(url)) throw invalid('Logo must be an http(s) URL');
  return url;
}

/** Checks a create/update payload; throws a 400 naming the first problem. */
export function parseCustomTemplateInput(body: unknown): CustomTemplateInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('The payload must be a JSON object');
  const b = body as Record<string, unknown>;
  const content = field(b, 'FileContent');
  if (typeof content !== 'string' || content.trim() === '') throw invalid('FileContent is required');
  if (Buffer.byteLength(content, 'utf8') > MAX_TEMPLATE_CONTENT_BYTES)
    throw invalid(`FileContent is larger than ${MAX_TEMPLATE_CONTENT_BYTES} bytes`);
  if (content.includes('\u0000')) throw invalid('FileContent must be text');
  return {
    Title: text(b, 'Title', 200, true),
    Description: text(b, 'Description', 2000, true),
    Note: text(b, 'Note', 20_000, false),
    Logo: logo(text(b, 'Logo', 2048, false)),
    Platform: integer(b, 'Platform', [1, 2]) as 1 | 2,
    Type: integer(b, 'Type', [
      CustomTemplateType.SwarmStack,
      CustomTemplateType.ComposeStack,
      CustomTemplateType.Kubernetes,
    ]),
    FileContent: content,
    Variables: variables(b),
    EdgeTemplate: flag(b, 'EdgeTemplate'),
    IsComposeFormat: flag(b, 'IsComposeFormat'),
  };
}
