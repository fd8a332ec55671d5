/**
 * Does the owner's booking link open? One GET, a short timeout, no redirects followed, and never to a private
 * address: the owner types the URL, so without the guard the check would let anyone with a session make
 * Ringback's server call its own network (SSRF). The address check runs inside the socket's own DNS lookup,
 * so the name cannot resolve to a public address for the check and a private one for the request.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

export type ProbeResult =
  | { state: 'ok'; status: number }
  | { state: 'broken'; reason: string }
  | { state: 'unchecked'; reason: string };

export type LinkProbe = (url: string) => Promise<ProbeResult>;

const TIMEOUT_MS = 5_000;

/** Loopback, private, link-local, carrier-grade NAT, multicast, reserved, and their IPv6 counterparts. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return isPrivateAddress(mapped[1]);
  if (isIP(address) === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  const v6 = address.toLowerCase();
  return (
    v6 === '::' ||
    v6 === '::1' ||
    v6.startsWith('fc') ||
    v6.startsWith('fd') ||
    v6.startsWith('fe8') ||
    v6.startsWith('fe9') ||
    v6.startsWith('fea') ||
    v6.startsWith('feb') ||
    v6.startsWith('ff')
  );
}

class PrivateAddressError extends Error {}

/** dns.lookup that refuses to hand a private address to the socket. */
const publicLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 4);
    const list = addresses ?? [];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad || list.length === 0) {
      return callback(new PrivateAddressError(`${hostname} is not a public address`), '', 4);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    const first = list[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

/** The real probe: a GET of the link, its status read, its body never. */
export const probeLink: LinkProbe = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return Promise.resolve({ state: 'broken', reason: 'it is not a web address' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return Promise.resolve({ state: 'broken', reason: 'it is not a web address (http or https)' });
  }
  if (url.username || url.password) return Promise.resolve({ state: 'broken', reason: 'it carries a password' });
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isPrivateAddress(host)) {
    return Promise.resolve({ state: 'unchecked', reason: 'it points at a private network address' });
  }
  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      { method: 'GET', lookup: publicLookup, timeout: TIMEOUT_MS, headers: { 'user-agent': 'Ringback setup check' } },
      (res) => {
        res.destroy();
        const status = res.statusCode ?? 0;
        resolve(
          status > 0 && status < 400
            ? { state: 'ok', status }
            : { state: 'broken', reason: `the page answered with an error (HTTP ${status})` },
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => {
      if (err instanceof PrivateAddressError)
        resolve({ state: 'unchecked', reason: 'it points at a private network address' });
      else if (err.message === 'timeout')
        resolve({ state: 'broken', reason: 'the page did not answer within 5 seconds' });
      else if ((err as NodeJS.ErrnoException).code === 'ENOTFOUND')
        resolve({ state: 'broken', reason: 'that web address does not exist' });
      else resolve({ state: 'unchecked', reason: 'the page could not be reached from Ringback just now' });
    });
    req.end();
  });
};
