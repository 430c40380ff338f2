import { describe, expect, it } from 'vitest';
import { renderTemplate, type TemplateVariable } from './templates';

const v = (name: string, defaultValue = '', select?: string[]): TemplateVariable => ({
  name,
  label: name,
  defaultValue,
  description: '',
  select: select?.map((value) => ({ value })),
});

describe('renderTemplate', () => {
  it('substitutes given values, then defaults, with or without spaces in the braces', () => {
    const r = renderTemplate(
      'image: app:{{tag}}\nport: {{ port }}\nname: {{  name }}',
      [v('tag', 'latest'), v('port', '80'), v('name')],
      {
        port: '8080',
        name: 'web',
      },
    );
    expect(r).toEqual({ content: 'image: app:latest\nport: 8080\nname: web', problems: [] });
  });

  it('leaves names that are not variables alone (compose and Go templates use braces too)', () => {
    const r = renderTemplate('a: {{ other }}\nb: ${HOME}\nc: {{ .Node.Hostname }}', [v('x', '1')]);
    expect(r.content).toBe('a: {{ other }}\nb: ${HOME}\nc: {{ .Node.Hostname }}');
  });

  it('reports a missing value and a value outside the choices', () => {
    const r = renderTemplate('{{ a }} {{ b }}', [v('a'), v('b', 'x', ['x', 'y'])], { b: 'z' });
    expect(r.problems).toEqual([
      { variable: 'a', problem: 'needs a value (it has no default)' },
      { variable: 'b', problem: 'must be one of "x", "y"' },
    ]);
  });

  it('does not read inherited properties of the values object', () => {
    const r = renderTemplate('{{ constructor }}', [v('constructor', 'safe')], {});
    expect(r.content).toBe('safe');
  });
});
