import { Injectable, inject } from '@angular/core';
import {
  AppTemplateType,
  CustomTemplateType,
  type AppTemplate,
  type AppTemplateEnv,
  type TemplateVariable,
} from '@capstan/contracts-api';

import { ApiClient, unwrap } from '../api/api-client';
import type { components } from '../api/schema';
import { STACK_COMPOSE, STACK_SWARM } from '../stacks/stacks-api';

export type { AppTemplate, AppTemplateEnv };

type Schemas = components['schemas'];

/** A custom template as answered, its variables with Capstan's `{value, label}` choices. */
export type CustomTemplate = Omit<Schemas['CustomTemplateDto'], 'Variables'> & {
  Variables: TemplateVariable[];
};

/** What the custom template form edits (Portainer's create/update fields). */
export interface CustomTemplateForm {
  title: string;
  description: string;
  note: string;
  logo: string;
  /** 1 Swarm stack, 2 compose stack. */
  type: CustomTemplateType;
  content: string;
  variables: readonly TemplateVariable[];
}

/** The stack type a custom template deploys as (1 Swarm, 2 compose). */
export function customTemplateStackType(t: Pick<CustomTemplate, 'Type'>): number {
  // `Type` is a plain number on the wire: compare numbers.
  return t.Type === Number(CustomTemplateType.SwarmStack) ? STACK_SWARM : STACK_COMPOSE;
}

/** App templates (`GET /api/templates`) and custom templates (`/api/custom_templates`, server-templates README). */
@Injectable({ providedIn: 'root' })
export class TemplatesApi {
  private readonly client = inject(ApiClient);

  /** The app templates of the `TemplatesURL` setting (the built-in offline file when it is empty). */
  async appTemplates(): Promise<AppTemplate[]> {
    const file = await unwrap(this.client.raw.GET('/api/templates'));
    return file.templates as unknown as AppTemplate[];
  }

  /**
   * A stack template's compose file: inline (`stackFileContent`, Capstan's built-in file) or cloned from its
   * repository by the server (Portainer's `POST /api/templates/{id}/file`).
   */
  async appTemplateFile(t: AppTemplate): Promise<string> {
    if (typeof t.stackFileContent === 'string') return t.stackFileContent;
    if (t.id === undefined) throw new Error(`Template ${t.title} has neither a file nor an id`);
    const body = await unwrap(
      this.client.raw.POST('/api/templates/{id}/file', { params: { path: { id: t.id } } }),
    );
    return body.FileContent;
  }

  /** The custom templates the caller may use: Swarm and compose ones, not edge ones. */
  async customTemplates(): Promise<CustomTemplate[]> {
    const list = await unwrap(
      this.client.raw.GET('/api/custom_templates', {
        params: {
          query: { type: [CustomTemplateType.SwarmStack, CustomTemplateType.ComposeStack], edge: false },
        },
      }),
    );
    return list as unknown as CustomTemplate[];
  }

  async customTemplate(id: number): Promise<CustomTemplate> {
    const t = await unwrap(this.client.raw.GET('/api/custom_templates/{id}', { params: { path: { id } } }));
    return t as unknown as CustomTemplate;
  }

  async customTemplateFile(id: number): Promise<string> {
    const body = await unwrap(
      this.client.raw.GET('/api/custom_templates/{id}/file', { params: { path: { id } } }),
    );
    return body.FileContent;
  }

  async createCustomTemplate(form: CustomTemplateForm): Promise<CustomTemplate> {
    const t = await unwrap(
      this.client.raw.POST('/api/custom_templates/create/string', { body: customTemplateBody(form) }),
    );
    return t as unknown as CustomTemplate;
  }

  async updateCustomTemplate(id: number, form: CustomTemplateForm): Promise<CustomTemplate> {
    const t = await unwrap(
      this.client.raw.PUT('/api/custom_templates/{id}', {
        params: { path: { id } },
        body: customTemplateBody(form),
      }),
    );
    return t as unknown as CustomTemplate;
  }

  async deleteCustomTemplate(id: number): Promise<void> {
    await unwrap(this.client.raw.DELETE('/api/custom_templates/{id}', { params: { path: { id } } }));
  }
}

function customTemplateBody(form: CustomTemplateForm): Schemas['CustomTemplateStringDto'] {
  return {
    Title: form.title.trim(),
    Description: form.description.trim(),
    Note: form.note,
    Logo: form.logo.trim(),
    Platform: 1,
    Type: form.type,
    FileContent: form.content,
    // The generated type says `string[]` for `select`; the server takes Capstan's `{value, label}` choices.
    Variables: form.variables.map((v) => ({ ...v })) as unknown as Schemas['TemplateVariableDto'][],
  };
}

/** Is this app template a stack (Swarm or compose) rather than a container? */
export function isStackTemplate(t: AppTemplate): boolean {
  return t.type === AppTemplateType.SwarmStack || t.type === AppTemplateType.ComposeStack;
}
