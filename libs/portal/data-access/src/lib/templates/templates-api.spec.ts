import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AppTemplateType, CustomTemplateType } from '@capstan/contracts-api';
import { beforeEach, describe, expect, it } from 'vitest';

import { FakeApi, provideFakeApi } from '../testing/fake-api';
import { TemplatesApi, customTemplateStackType } from './templates-api';

describe('TemplatesApi', () => {
  let api: FakeApi;

  beforeEach(() => {
    api = new FakeApi();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideFakeApi(api)] });
  });

  it('uses an inline stack file as is and asks the server to clone a repository one', async () => {
    api.on('POST /api/templates/7/file', { body: { FileContent: 'services: {}' } });
    const templates = TestBed.inject(TemplatesApi);
    const inline = {
      type: AppTemplateType.ComposeStack,
      title: 'A',
      description: '',
      stackFileContent: 'x: 1',
    };
    expect(await templates.appTemplateFile(inline)).toBe('x: 1');
    expect(api.requests).toHaveLength(0);
    const cloned = {
      id: 7,
      type: AppTemplateType.ComposeStack,
      title: 'B',
      description: '',
      repository: { url: 'https://g/r.git', stackfile: 'c.yml' },
    };
    expect(await templates.appTemplateFile(cloned)).toBe('services: {}');
  });

  it('lists Swarm and compose custom templates, not edge ones', async () => {
    api.on('GET /api/custom_templates', { body: [] });
    await TestBed.inject(TemplatesApi).customTemplates();
    const q = new URLSearchParams(api.last('GET /api/custom_templates')?.search);
    expect(q.getAll('type')).toEqual(['1', '2']);
    expect(q.get('edge')).toBe('false');
  });

  it("creates and updates with Portainer's fields and the variables' choices", async () => {
    const saved = { Id: 3, Title: 'T', Variables: [] };
    api.on('POST /api/custom_templates/create/string', { body: saved });
    api.on('PUT /api/custom_templates/3', { body: saved });
    const templates = TestBed.inject(TemplatesApi);
    const form = {
      title: ' T ',
      description: ' d ',
      note: 'n',
      logo: '',
      type: CustomTemplateType.ComposeStack,
      content: 'image: {{ tag }}',
      variables: [
        { name: 'tag', label: 'Tag', defaultValue: 'a', description: '', select: [{ value: 'a' }] },
      ],
    };
    await templates.createCustomTemplate(form);
    expect(api.last('POST /api/custom_templates/create/string')?.body).toEqual({
      Title: 'T',
      Description: 'd',
      Note: 'n',
      Logo: '',
      Platform: 1,
      Type: 2,
      FileContent: 'image: {{ tag }}',
      Variables: [
        { name: 'tag', label: 'Tag', defaultValue: 'a', description: '', select: [{ value: 'a' }] },
      ],
    });
    await templates.updateCustomTemplate(3, form);
    expect(api.last('PUT /api/custom_templates/3')?.body).toMatchObject({ Title: 'T', Type: 2 });
  });

  it('maps custom template types to stack types (1 Swarm, 2 compose)', () => {
    expect(customTemplateStackType({ Type: CustomTemplateType.SwarmStack })).toBe(1);
    expect(customTemplateStackType({ Type: CustomTemplateType.ComposeStack })).toBe(2);
  });
});
