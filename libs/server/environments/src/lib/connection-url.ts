import { BadRequestError } from '@capstan/server-core';

export const DEFAULT_DOCKER_URL = 'unix:///var/run/docker.sock';

/**
 * Normalises a Docker endpoint URL as Portainer clients send it: empty = the local socket,
 * `host:port` = tcp. Only unix and tcp are accepted.
 */
export function normaliseEngineUrl(raw: string | undefined): string {
  const text = (raw ?? '').trim();
  if (text === '') return DEFAULT_DOCKER_URL;
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `tcp://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new BadRequestError(
      'Invalid environment URL',
      `"${text.slice(0, 200)}" is not a URL (use unix:///path or tcp://host:port)`,
    );
  }
  if (url.protocol === 'unix:') {
    // unix://relative/x parses with a host part: only unix:///absolute/path is a socket path.
    if (url.host !== '' || !url.pathname.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(text)) {
      throw new BadRequestError(
        'Invalid environment URL',
        'A unix socket URL needs an absolute path, e.g. unix:///var/run/docker.sock',
      );
    }
    return `unix://${url.pathname}`;
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    if (!url.hostname || !url.port || url.pathname.replace(/\/$/, '') !== '' || url.username || url.search) {
      throw new BadRequestError(
        'Invalid environment URL',
        'A TCP URL is tcp://host:port, without path, query or credentials',
      );
    }
    if (!url.hostname.startsWith('[') && !isDnsName(url.hostname)) {
      throw new BadRequestError(
        'Invalid environment URL',
        `"${url.hostname.slice(0, 100)}${url.hostname.length > 100 ? '…' : ''}" is not a host name (at most 253 characters, labels of 1 to 63)`,
      );
    }
    // URL keeps IPv6 hosts in brackets already.
    return `tcp://${url.hostname}:${url.port}`;
  }
  throw new BadRequestError(
    'Invalid environment URL',
    `Unsupported scheme "${url.protocol}" (use unix:// or tcp://)`,
  );
}

/**
 * A DNS name or IPv4 address as the URL parser leaves it (case kept: tcp: is not a special scheme). Anything else
 * is refused before a resolver is asked for it.
 */
function isDnsName(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  return (
    name.length > 0 &&
    name.length <= 253 &&
    name.split('.').every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(l))
  );
}

const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----/;

export function assertPem(label: string, text: string | undefined): void {
  if (text !== undefined && !PEM.test(text)) {
    throw new BadRequestError('Invalid TLS file', `${label} is not a PEM file`);
  }
}
