import { request } from 'node:http';

import { type NodeResult, readNodePart } from './merge';

/** A JSON GET on the local Docker engine's unix socket (identity only: /info, /nodes/{id}, /containers/{id}/json). */
export function engineGetJson(socketPath: string, path: string, timeoutMs = 5_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path, method: 'GET', headers: { Host: 'docker' }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) {
            reject(new Error(`engine GET ${path}: ${res.statusCode ?? 0} ${text.slice(0, 200)}`));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new Error(`engine GET ${path}: not JSON`));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`engine GET ${path}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

/** One request to the local engine, answered as a fan-out part (this node's own list, no agent hop). */
export function engineFanOutPart(
  socketPath: string,
  nodeName: string,
  method: string,
  path: string,
  body: Buffer,
): Promise<NodeResult> {
  return new Promise((resolve) => {
    const fail = (error: string): void => resolve({ nodeName, ok: false, error });
    const req = request(
      {
        socketPath,
        path,
        method,
        headers: {
          Host: 'docker',
          'Content-Length': String(body.length),
          'Content-Type': 'application/json',
        },
      },
      (res) => readNodePart(nodeName, res, resolve, () => req.destroy()),
    );
    req.on('error', (err) => fail(err.message));
    req.end(body);
  });
}
