import { describe, expect, it } from 'vitest';
import { BadRequestError } from '@capstan/server-core';
import { EventsCommand, eventsPath, LogsCommand, logsPath, StatsCommand } from './stream-commands';

const params = (q: Record<string, string>) => new URLSearchParams(q);

/** The 400's details, or a failure when the query was accepted. */
function details(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return (e as BadRequestError).details;
  }
  throw new Error('the query was accepted');
}

describe('logs query', () => {
  it('reads every parameter and builds the engine path (both streams, Docker defaults)', () => {
    const q = LogsCommand.parse(
      params({
        endpointId: '3',
        id: 'web_1',
        follow: 'true',
        tail: '200',
        timestamps: '1',
        since: '1700000000.5',
      }),
    );
    expect(q).toEqual({
      endpointId: 3,
      id: 'web_1',
      follow: true,
      tail: 200,
      timestamps: true,
      since: '1700000000.5',
    });
    expect(logsPath(q)).toBe(
      '/containers/web_1/logs?stdout=1&stderr=1&follow=1&tail=200&timestamps=1&since=1700000000.5',
    );
    const defaults = LogsCommand.parse(params({ endpointId: '1', id: 'abc', token: 'ignored' }));
    expect(defaults).toMatchObject({ follow: false, tail: 'all', timestamps: false, since: undefined });
    expect(logsPath(defaults)).toBe('/containers/abc/logs?stdout=1&stderr=1&follow=0&tail=all&timestamps=0');
  });

  it('reports every bad parameter at once', () => {
    const d = details(() =>
      LogsCommand.parse(
        params({ endpointId: '0', id: '../x', follow: 'yes', tail: '-1', timestamps: 'no', since: 'today' }),
      ),
    );
    for (const name of ['endpointId', 'id', 'follow', 'tail', 'timestamps', 'since'])
      expect(d).toContain(name);
  });

  it('refuses ids that could change the engine path', () => {
    for (const id of ['a/b', 'a?b', '', '.hidden', 'x'.repeat(129)])
      expect(details(() => LogsCommand.parse(params({ endpointId: '1', id })))).toContain('id');
  });
});

describe('stats query', () => {
  it('needs an environment and a container', () => {
    expect(StatsCommand.parse(params({ endpointId: '2', id: 'c1' }))).toEqual({ endpointId: 2, id: 'c1' });
    expect(details(() => StatsCommand.parse(params({ id: 'c1' })))).toContain('endpointId');
    expect(details(() => StatsCommand.parse(params({ endpointId: '1.5', id: 'c1' })))).toContain(
      'endpointId',
    );
  });
});

describe('events query', () => {
  it('turns types into an engine filter and passes since', () => {
    const q = EventsCommand.parse(
      params({ endpointId: '1', type: 'container,image,container', since: '1700000000' }),
    );
    expect(q.types).toEqual(['container', 'image']);
    expect(eventsPath(q)).toBe(
      `/events?filters=${encodeURIComponent('{"type":["container","image"]}')}&since=1700000000`,
    );
    expect(eventsPath(EventsCommand.parse(params({ endpointId: '1' })))).toBe('/events');
  });

  it('refuses unknown types', () => {
    expect(
      details(() => EventsCommand.parse(params({ endpointId: '1', type: 'container,bogus' }))),
    ).toContain('bogus');
  });
});

describe('node name of a stream query', () => {
  it('follows the node-name rule of every entry point: trimmed, empty is absent', () => {
    expect(LogsCommand.parse(params({ endpointId: '3', id: 'web', nodeName: ' node-2 ' })).nodeName).toBe(
      'node-2',
    );
    expect(LogsCommand.parse(params({ endpointId: '3', id: 'web', nodeName: '' })).nodeName).toBeUndefined();
  });

  it.each(['../x', 'a b', '-lead', 'n/1', 'x'.repeat(256)])('refuses %s as a node name', (node) => {
    expect(details(() => EventsCommand.parse(params({ endpointId: '3', nodeName: node })))).toMatch(
      /nodeName \(X-PortainerAgent-Target\) must be a node name/,
    );
  });
});
