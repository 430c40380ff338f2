import { BlockList, isIP } from 'node:net';

/** Parses the trusted-proxies setting (addresses and CIDR ranges); undefined when empty. Entries are validated by settings. */
export function trustedProxies(entries: readonly string[]): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

const bare = (address: string): string => address.trim().replace(/^::ffff:(?=\d+\.)/, '');

function trusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address: the socket's peer, or — when the peer is a trusted proxy — the first address in
 * X-Forwarded-For, read from the right, that is not a trusted proxy (what a client sends further left cannot be
 * believed). Without trusted proxies the header is ignored, so nobody can choose the address throttling counts.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  proxies: BlockList | undefined,
): string {
  const socket = bare(peer ?? '') || 'unknown';
  if (!proxies || !trusted(proxies, socket) || forwardedFor === undefined) return socket;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map(bare)
    .filter((h) => h !== '');
  let address = socket;
  for (let i = hops.length - 1; i >= 0; i--) {
    if (isIP(hops[i]) === 0) return address;
    address = hops[i];
    if (!trusted(proxies, address)) return address;
  }
  return address;
}
