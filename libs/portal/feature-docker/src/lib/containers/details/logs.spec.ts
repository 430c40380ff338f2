import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FakeApi, WEBSOCKET_FACTORY, provideFakeApi } from '@capstan/portal-data-access';
import { afterEach, describe, expect, it } from 'vitest';

import { FakeSocket } from '../testing/factories';
import { LogFrameDecoder, highlight, splitTimestamp } from './log-lines';
import { ContainerLogs } from './logs-tab';

const flush = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** One multiplexed frame: [stream, 0, 0, 0, size (big-endian u32)] + payload. */
function frame(stream: 1 | 2, text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + payload.length);
  out[0] = stream;
  new DataView(out.buffer).setUint32(4, payload.length);
  out.set(payload, 8);
  return out;
}

describe('log frame decoding', () => {
  it('splits multiplexed frames into stdout/stderr lines, across chunk and frame boundaries', () => {
    const bytes = new Uint8Array([
      ...frame(1, 'hello\nwor'),
      ...frame(2, 'oops\r\n'),
      ...frame(1, 'ld\nlast'),
    ]);
    const decoder = new LogFrameDecoder(false);
    // Cut inside a header and inside a payload.
    const lines = [
      ...decoder.push(bytes.slice(0, 5)),
      ...decoder.push(bytes.slice(5, 20)),
      ...decoder.push(bytes.slice(20)),
    ];
    expect(lines).toEqual([
      { stream: 'stdout', line: 'hello' },
      { stream: 'stderr', line: 'oops' },
      { stream: 'stdout', line: 'world' },
    ]);
    expect(decoder.end()).toEqual([{ stream: 'stdout', line: 'last' }]);
  });

  it('reads a TTY container as raw text and keeps multi-byte characters split across chunks', () => {
    const bytes = new TextEncoder().encode('été\nok\n');
    const decoder = new LogFrameDecoder(true);
    expect([...decoder.push(bytes.slice(0, 1)), ...decoder.push(bytes.slice(1))]).toEqual([
      { stream: 'stdout', line: 'été' },
      { stream: 'stdout', line: 'ok' },
    ]);
  });

  it('separates the timestamp prefix and highlights every match, case-insensitively', () => {
    expect(splitTimestamp('2026-11-23T02:15:32.123456789Z hello there')).toEqual({
      time: '2026-11-23T02:15:32.123456789Z',
      text: 'hello there',
    });
    expect(splitTimestamp('no time')).toEqual({ time: null, text: 'no time' });
    expect(highlight('Error: error!', 'error')).toEqual([
      { text: 'Error', match: true },
      { text: ': ', match: false },
      { text: 'error', match: true },
      { text: '!', match: false },
    ]);
  });
});

describe('ContainerLogs', () => {
  afterEach(() => document.body.replaceChildren());

  async function setup() {
    TestBed.configureTestingModule({
      providers: [
        provideFakeApi(new FakeApi()),
        provideRouter([]),
        { provide: WEBSOCKET_FACTORY, useValue: FakeSocket.factory },
      ],
    });
    const fixture = TestBed.createComponent(ContainerLogs);
    fixture.componentRef.setInput('envId', 7);
    fixture.componentRef.setInput('containerId', 'abc');
    document.body.append(fixture.nativeElement as HTMLElement);
    fixture.detectChanges();
    await flush();
    const el = fixture.nativeElement as HTMLElement;
    const byId = <T extends HTMLElement>(id: string) => el.querySelector<T>(`[data-testid="${id}"]`);
    const settle = async () => {
      fixture.detectChanges();
      await flush(60);
      fixture.detectChanges();
    };
    return { fixture, el, byId, settle };
  }

  it('follows the logs WebSocket, shows stderr apart, searches with highlight and filter', async () => {
    const { byId, settle, el, fixture } = await setup();
    const socket = FakeSocket.last!;
    expect(socket.url).toContain(
      '/api/websocket/logs?endpointId=7&id=abc&follow=true&tail=200&timestamps=true',
    );
    socket.open();
    socket.message({ stream: 'stdout', line: '2026-11-23T02:00:00.000000000Z hello-capstan' });
    socket.message({ stream: 'stderr', line: '2026-11-23T02:00:01.000000000Z warning: HELLO again' });
    socket.message({ stream: 'stdout', line: '2026-11-23T02:00:02.000000000Z bye' });
    await settle();
    const output = byId('logs-output')!;
    expect(output.querySelectorAll('.line')).toHaveLength(3);
    expect(output.querySelector('.line.err')?.textContent).toContain('warning: HELLO again');
    // Timestamps are fetched but hidden until asked for.
    expect(output.textContent).not.toContain('2026-11-23T02:00:00');
    const search = byId<HTMLInputElement>('logs-search')!;
    search.value = 'hello';
    search.dispatchEvent(new Event('input'));
    await settle();
    expect([...el.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['hello', 'HELLO']);
    expect(byId('logs-status')?.textContent).toContain('2 matching');
    byId<HTMLInputElement>('logs-only-matching')!.click();
    await settle();
    expect(output.querySelectorAll('.line')).toHaveLength(2);
    byId<HTMLInputElement>('logs-timestamps')!.click();
    await settle();
    expect(output.textContent).toContain('2026-11-23T02:00:00.000000000Z');
    // Showing timestamps does not reconnect.
    expect(FakeSocket.last).toBe(socket);
    expect(fixture.componentInstance.logText()).toContain('2026-11-23T02:00:02.000000000Z bye');
  });

  it('reconnects with the new options when tail or follow change', async () => {
    const { byId, settle } = await setup();
    const first = FakeSocket.last!;
    const tail = byId<HTMLSelectElement>('logs-tail')!;
    tail.value = '1000';
    tail.dispatchEvent(new Event('change'));
    await settle();
    expect(first.closed).toBe(true);
    expect(FakeSocket.last!.url).toContain('tail=1000');
    byId<HTMLInputElement>('logs-follow')!.click();
    await settle();
    expect(FakeSocket.last!.url).toContain('follow=false');
  });
});
