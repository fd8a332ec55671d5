import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * Which peer may name the client in `X-Forwarded-For`, from `TRUST_PROXY` with express's `trust proxy`
 * meanings: `none` (the default: the socket's peer is the client), a hop count, or addresses and subnets
 * (`loopback`, `linklocal`, `uniquelocal` name the usual ranges). Express gets this same function
 * (`app.set('trust proxy', fn)`) and webhooks/front.ts calls `clientAddress` with it, so both read one address.
 * Trusting private networks by default let anyone behind no proxy at all pick their address (issue 15).
 */
export type TrustProxy = (address: string, hop: number) => boolean;

const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

export function compileTrustProxy(setting: string): TrustProxy {
  const value = setting.trim().toLowerCase();
  if (value === '' || value === 'none' || value === 'false') return () => false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  const list = new BlockList();
  for (const item of value.split(/[\s,]+/).filter(Boolean)) {
    for (const range of NAMED[item] ?? [item]) addRange(list, range);
  }
  return (address) => {
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

function addRange(list: BlockList, range: string): void {
  const [address = '', bits] = range.split('/');
  const family = isIP(address);
  if (family === 0) throw new Error(`TRUST_PROXY: ${range} is not an address or subnet`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (bits === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(bits), type);
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * The client's address: walk from the socket's peer back through `X-Forwarded-For` while each hop is a
 * trusted proxy (what express's `req.ip` does with the same function).
 */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  const peer = unmapped(req.socket.remoteAddress ?? 'unknown');
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .reverse();
  let address = peer;
  for (let hop = 0; hop < forwarded.length; hop++) {
    if (!trust(address, hop)) break;
    address = unmapped(forwarded[hop] as string);
  }
  return address;
}

/** `clientAddress` bound to the configured proxies: what every route that counts per address uses. */
export function addressReader(config: { trustProxy: string }): (req: IncomingMessage) => string {
  const trust = compileTrustProxy(config.trustProxy);
  return (req) => clientAddress(req, trust);
}
