import { describe, expect, it } from 'vitest';
import { parseTemplateFile } from './app-template.model';
import { parseCustomTemplateInput } from './custom-template.input';
import { defaultTemplates } from './default-templates';

describe('parseTemplateFile', () => {
  it('numbers entries in file order when they have no id, keeps given ids', () => {
    const file = parseTemplateFile({
      version: '3',
      templates: [
        { type: 1, title: 'a', image: 'x' },
        { id: 7, type: 3, title: 'b', repository: { url: 'https://g/r', stackfile: 's.yml' } },
      ],
    });
    expect(typeof file).toBe('object');
    expect((file as { templates: { id: number }[] }).templates.map((t) => t.id)).toEqual([1, 7]);
  });

  it.each([
    [[], 'not a JSON object'],
    [{ version: '2', templates: [] }, 'only "3"'],
    [{ version: '3', templates: {} }, 'not a list'],
    [{ version: '3', templates: [{ type: 4, title: 'x' }] }, 'unknown type 4'],
    [{ version: '3', templates: [{ type: 2, title: 'x' }] }, 'repository or stackFileContent'],
  ])('refuses %j (%s)', (value, why) => {
    expect(parseTemplateFile(value)).toContain(why);
  });

  it('accepts the built-in file', () => {
    expect(typeof parseTemplateFile(defaultTemplates())).toBe('object');
  });
});

describe('parseCustomTemplateInput', () => {
  const base = { Title: 't', Description: 'd', Platform: 1, Type: 2, FileContent: 'services: {}' };

  it('matches keys case-insensitively and accepts form strings', () => {
    const parsed = parseCustomTemplateInput({
      title: 't',
      DESCRIPTION: 'd',
      platform: '2',
      type: '1',
      filecontent: 'x',
      variables: '[{"name":"a","defaultValue":"1"}]',
      edgeTemplate: 'true',
    });
    expect(parsed).toMatchObject({ Title: 't', Description: 'd', Platform: 2, Type: 1, EdgeTemplate: true });
    expect(parsed.Variables).toEqual([{ name: 'a', label: 'a', defaultValue: '1', description: '' }]);
  });

  it.each([
    [{ ...base, Platform: 3 }, /Platform/],
    [{ ...base, FileContent: 'a\u0000b' }, /text/],
    [{ ...base, Logo: 'data:image/png;base64,xx' }, /Logo/],
    [{ ...base, Variables: [{ name: 'ok', select: 'x' }] }, /select/],
    [null, /JSON object/],
  ])('refuses %j', (body, why) => {
    expect(() => parseCustomTemplateInput(body)).toThrow(
      expect.objectContaining({ details: expect.stringMatching(why) }),
    );
  });
});
