/** Small display helpers shared by the images, volumes and networks pages. */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/**
 * Decimal units, as the docker CLI prints sizes (`1.2 MB`): image, volume and file sizes, I/O. Memory is shown in
 * binary units with `bytesLabel` (environment-labels.ts), as `docker info` and `docker stats` do (`7.6 GiB`).
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

/** `sha256:0123456789ab…` → `0123456789ab`. */
export function shortId(id: string | null | undefined): string {
  if (!id) return '';
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** Seconds since the epoch for sorting (unix seconds or ISO). */
export function timeValue(value: number | string | null | undefined): number {
  if (typeof value === 'number') return value;
  if (!value) return 0;
  const t = Date.parse(value);
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

/** `key=value` lines → a map; blank keys dropped, later keys win. */
export function pairsToMap(pairs: readonly { key: string; value: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of pairs) {
    const k = key.trim();
    if (k) out[k] = value;
  }
  return out;
}

/** Reads a fetch body made of JSON lines (Docker's progress streams), yielding each parsed object. */
export async function* readJsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) yield parseLine(line);
        newline = buffer.indexOf('\n');
      }
    }
    buffer += decoder.decode();
    if (buffer.trim()) yield parseLine(buffer.trim());
  } finally {
    reader.releaseLock();
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return { status: line };
  }
}
