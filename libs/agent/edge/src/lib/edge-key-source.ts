import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { decodeEdgeKey, type EdgeKey } from '@capstan/contracts-agent';
import type { AgentLogger } from '@capstan/agent-api';

export type KeySource = 'env' | 'file' | 'page';

const KEY_FILE = 'agent_edge_key';

/**
 * The edge key at start-up (agent protocol §5.3): `EDGE_KEY`, else `<DATA_PATH>/agent_edge_key`. A key is checked
 * (four fields, RawStd base64) before it is kept, and the file is written owner-only (0600; Portainer writes
 * 0644: the key names the server and pins its tunnel host key).
 */
export async function resolveEdgeKey(
  envKey: string | undefined,
  dataPath: string,
): Promise<{ raw: string; key: EdgeKey; source: KeySource } | undefined> {
  if (envKey && envKey.trim() !== '') {
    const key = decodeEdgeKey(envKey);
    await persistEdgeKey(dataPath, envKey.trim());
    return { raw: envKey.trim(), key, source: 'env' };
  }
  const stored = await readFile(join(dataPath, KEY_FILE), 'utf8').catch(() => undefined);
  if (stored === undefined || stored.trim() === '') return undefined;
  return { raw: stored.trim(), key: decodeEdgeKey(stored), source: 'file' };
}

export async function persistEdgeKey(dataPath: string, raw: string): Promise<void> {
  await mkdir(dataPath, { recursive: true, mode: 0o700 });
  const file = join(dataPath, KEY_FILE);
  await writeFile(file, raw, { mode: 0o600 });
  await chmod(file, 0o600);
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>Capstan edge agent</title>
<form method="post" action="/init"><label>Edge key <input name="key" size="80" autofocus></label>
<button>Save</button></form>`;

/**
 * The key page (§5.3 step 3): `GET /` a form, `POST /init` with `key`; a good key is persisted and resolves the
 * promise; the page shuts down after `timeoutMs` (15 min) without a key, and the promise resolves undefined.
 */
export function serveKeyPage(
  host: string,
  port: number,
  dataPath: string,
  timeoutMs: number,
  log: AgentLogger,
): Promise<{ raw: string; key: EdgeKey; source: KeySource } | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const server = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/init') {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (c: string) => {
          body += c;
          if (body.length > 16_384) req.destroy();
        });
        req.on('end', () => {
          const raw = new URLSearchParams(body).get('key')?.trim();
          if (!raw)
            return void res.writeHead(400, { 'content-type': 'text/plain' }).end('Missing key parameter');
          let key: EdgeKey;
          try {
            key = decodeEdgeKey(raw);
          } catch (e) {
            return void res.writeHead(500, { 'content-type': 'text/plain' }).end((e as Error).message);
          }
          persistEdgeKey(dataPath, raw).then(
            () => {
              res
                .writeHead(200, { 'content-type': 'text/plain' })
                .end('Agent setup OK. You can close this page.');
              finish({ raw, key, source: 'page' });
            },
            (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e)),
          );
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    });
    const timer = setTimeout(() => {
      log.warn(
        'No edge key given within the key page time; the key page is closed (restart the agent to reopen it)',
      );
      finish(undefined);
    }, timeoutMs);
    const finish = (value: { raw: string; key: EdgeKey; source: KeySource } | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      server.close();
      server.closeAllConnections();
      resolve(value);
    };
    server.listen(port, host, () => log.info(`No edge key: the key page is on http://${host}:${port}`));
  });
}
