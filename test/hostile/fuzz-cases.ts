import type { WebhookSigner } from '../../src/sandbox/webhook-signer.js';

/** Mulberry32: the same seed gives the same few thousand requests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzCase {
  kind: string;
  body: Buffer;
  headers: Record<string, string>;
  /** Whether a signature that decides (Ed25519 when present, else RSA) vouches for these exact bytes. */
  validSignature: boolean;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const SIGNATURES = [
  'ed',
  'rsa',
  'both',
  'padded',
  'none',
  'garbage',
  'truncated',
  'other-body',
  'swapped',
  'downgrade',
  'bit-flip',
] as const;
const BODIES = [
  'event',
  'mutated',
  'reordered',
  'random-json',
  'truncated',
  'non-utf8',
  'nul',
  'deep-array',
  'deep-object',
  'empty',
  'huge',
] as const;
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  '',
];
const TYPES = [
  'InboundMessage',
  'OutboundMessage',
  'AppointmentCreate',
  'TaskComplete',
  'ContactDndUpdate',
  'INSTALL',
  'UNINSTALL',
  'Whatever',
];

/** Generates hostile webhook requests; every signature is made with `signer`, the key pair the app trusts. */
export function fuzzCases(signer: WebhookSigner, seed: number, now: () => Date) {
  const rand = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const int = (max: number) => Math.floor(rand() * max);
  const word = () => int(36 ** 6).toString(36);

  function randomJson(depth: number): Json {
    const r = rand();
    if (depth <= 0 || r < 0.3)
      return pick<Json>([null, true, false, int(1e9) - 5e8, rand(), word(), '', 'é€😀', '\\u0000']);
    if (r < 0.6) return Array.from({ length: int(4) }, () => randomJson(depth - 1));
    return Object.fromEntries(
      Array.from({ length: int(4) }, () => [
        pick([word(), 'type', 'locationId', '__proto__', 'constructor']),
        randomJson(depth - 1),
      ]),
    );
  }

  function event(): Record<string, Json> {
    return {
      type: pick(TYPES),
      locationId: `loc_${int(5)}`,
      contactId: `con_${word()}`,
      messageId: `msg_${word()}`,
      messageType: 'CALL',
      direction: 'inbound',
      status: pick(['voicemail', 'no-answer', 'completed', 'busy']),
      webhookId: `fz-${seed}-${word()}-${word()}`,
      timestamp: rand() < 0.9 ? now().toISOString() : pick<Json>(['yesterday', 0, -1, 1e20, new Date(0).toISOString()]),
      appointment: { id: `appt_${word()}`, contactId: `con_${word()}` },
      id: `x_${word()}`,
    };
  }

  function body(kind: (typeof BODIES)[number]): Buffer {
    const e = event();
    switch (kind) {
      case 'event':
        return Buffer.from(JSON.stringify(e));
      case 'mutated': {
        const keys = Object.keys(e);
        for (let i = 0; i < 1 + int(3); i++) {
          const k = pick(keys);
          if (rand() < 0.5) delete e[k];
          else e[k] = randomJson(3);
        }
        return Buffer.from(JSON.stringify(e));
      }
      case 'reordered':
        return Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(e).reverse())));
      case 'random-json':
        return Buffer.from(JSON.stringify(randomJson(5)));
      case 'truncated': {
        const raw = Buffer.from(JSON.stringify(e));
        return raw.subarray(0, int(raw.length));
      }
      case 'non-utf8': {
        const raw = Buffer.from(JSON.stringify({ ...e, note: 'XXXX' }));
        const at = raw.indexOf('XXXX');
        raw.set([0xff, 0xfe, 0xc3, 0x28].slice(0, 1 + int(4)), at);
        return raw;
      }
      case 'nul': {
        // Text Postgres refuses: NUL and lone surrogates, in a value, a key, or the fields that become columns.
        const bad = pick(['\u0000', '\ud800', '\udfff']);
        const where = pick(['body', 'key', 'webhookId', 'type', 'locationId']);
        if (where === 'key') return Buffer.from(JSON.stringify({ ...e, [`k${bad}${word()}`]: 1 }));
        return Buffer.from(JSON.stringify({ ...e, [where]: `${String(e[where] ?? 'x')}${bad}end` }));
      }
      case 'deep-array': {
        const n = pick([100, 1000, 10_000, 100_000]);
        return Buffer.from(`{"type":"InboundMessage","locationId":"loc_1","x":${'['.repeat(n)}${']'.repeat(n)}}`);
      }
      case 'deep-object': {
        const n = pick([100, 1000, 10_000, 50_000]);
        return Buffer.from(
          `{"type":"Whatever","webhookId":"fz-deep-${word()}","x":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`,
        );
      }
      case 'empty':
        return Buffer.alloc(0);
      case 'huge':
        return Buffer.from(JSON.stringify({ ...e, pad: 'x'.repeat(1_100_000 + int(200_000)) }));
    }
  }

  function sign(raw: Buffer, kind: (typeof SIGNATURES)[number]): { headers: Record<string, string>; valid: boolean } {
    // RSA signing costs about a millisecond: only the cases that use a signature compute it.
    const edOf = () => signer.headers(raw, 'ed25519')['x-ghl-signature']!;
    const rsaOf = () => signer.headers(raw, 'rsa')['x-wh-signature']!;
    const garbage = () => Buffer.from(Array.from({ length: int(600) }, () => int(256))).toString('base64');
    switch (kind) {
      case 'ed':
        return { headers: { 'x-ghl-signature': edOf() }, valid: true };
      case 'rsa':
        return { headers: { 'x-wh-signature': rsaOf() }, valid: true };
      case 'both':
        return { headers: signer.headers(raw, 'both'), valid: true };
      case 'padded':
        return { headers: { 'x-ghl-signature': ` ${edOf()}  ` }, valid: true };
      case 'none':
        return { headers: {}, valid: false };
      case 'garbage':
        return {
          headers: { [pick(['x-ghl-signature', 'x-wh-signature'])]: rand() < 0.1 ? '%%%not-base64%%%' : garbage() },
          valid: false,
        };
      case 'truncated': {
        // At least 3 characters off: base64 padding ('=') alone can go without changing the bytes.
        const [ed, rsa] = [edOf(), rsaOf()];
        return {
          headers: {
            'x-ghl-signature': ed.slice(0, int(ed.length - 3)) || 'A',
            'x-wh-signature': rsa.slice(0, int(rsa.length - 3)) || 'A',
          },
          valid: false,
        };
      }
      case 'other-body':
        return {
          headers: signer.headers(Buffer.concat([raw, Buffer.from(' ')]), pick(['ed25519', 'rsa', 'both'] as const)),
          valid: false,
        };
      case 'swapped':
        return { headers: { 'x-ghl-signature': rsaOf(), 'x-wh-signature': edOf() }, valid: false };
      case 'downgrade':
        return { headers: { 'x-ghl-signature': garbage() || 'AAAA', 'x-wh-signature': rsaOf() }, valid: false };
      case 'bit-flip': {
        const bytes = Buffer.from(edOf(), 'base64');
        const i = int(bytes.length);
        bytes[i] = bytes[i]! ^ (1 << int(8));
        return { headers: { 'x-ghl-signature': bytes.toString('base64') }, valid: false };
      }
    }
  }

  return function next(): FuzzCase {
    // Huge bodies are rare (each is 1 MB on the wire); the rest are equally likely.
    let kind = pick(BODIES);
    if (kind === 'huge' && rand() < 0.9) kind = 'event';
    const raw = body(kind);
    const sigKind = pick(SIGNATURES);
    const { headers, valid } = sign(raw, sigKind);
    const type = pick(CONTENT_TYPES);
    return {
      kind: `${kind}/${sigKind}`,
      body: raw,
      headers: type ? { ...headers, 'content-type': type } : headers,
      validSignature: valid,
    };
  };
}
