/**
 * What a failed delivery of one of Ringback's texts means. The codes are Twilio's (GHL's LC Phone runs on it);
 * sources and the GHL side of it in docs/compliance-signals.md.
 */
export type DeliveryEffect = 'opted-out' | 'not-textable' | 'a2p-warning' | 'failed';

export interface DeliveryFailure {
  status: string;
  /** The carrier's error code when GHL gave one (digits), else null. */
  code: string | null;
  effect: DeliveryEffect;
  /** For the timeline and the owner, in plain words. */
  meaning: string;
}

const CODES: Record<string, { effect: DeliveryEffect; meaning: string }> = {
  '21610': {
    effect: 'opted-out',
    meaning: 'the recipient has replied STOP to this sender at the carrier (unsubscribed)',
  },
  '30003': {
    effect: 'not-textable',
    meaning: 'the phone is unreachable (off, out of coverage, or no longer in service)',
  },
  '30005': { effect: 'not-textable', meaning: 'the number is unknown to the carrier or no longer exists' },
  '30006': { effect: 'not-textable', meaning: 'the number is a landline or cannot receive texts' },
  '30007': { effect: 'a2p-warning', meaning: 'the carrier filtered the text as unwanted (message filtering)' },
  '30034': { effect: 'a2p-warning', meaning: 'the sending number is not registered for A2P 10DLC texting' },
};

const FAILED = new Set(['failed', 'undelivered', 'opt_out', 'opt-out', 'optout']);

/**
 * The failure a message status report describes, or null when the message was not a failure. GHL documents
 * `status` (`failed`, `undelivered`, `opt_out` among its values) but no error code field on `OutboundMessage`;
 * its provider-status DTO carries `error: { code, type, message }`. So the code is looked for in that shape and
 * in the spellings seen elsewhere, and a failure without a code is still recorded.
 */
export function deliveryFailureOf(body: Record<string, unknown>): DeliveryFailure | null {
  const status = String(body.status ?? '').toLowerCase();
  if (!FAILED.has(status)) return null;
  const code = errorCodeOf(body) ?? (status.startsWith('opt') ? '21610' : null);
  const known = code ? CODES[code] : undefined;
  if (known) return { status, code, ...known };
  return {
    status,
    code,
    effect: 'failed',
    meaning: code ? `the carrier reported error ${code}` : `GHL reported the text as ${status}`,
  };
}

function errorCodeOf(body: Record<string, unknown>): string | null {
  const meta = isRecord(body.meta) ? body.meta : {};
  const candidates = [
    isRecord(body.error) ? body.error.code : body.error,
    body.errorCode,
    body.error_code,
    isRecord(meta.error) ? meta.error.code : undefined,
    meta.errorCode,
    body.errorMessage,
    isRecord(body.error) ? body.error.message : undefined,
  ];
  for (const value of candidates) {
    const match = /\b(\d{5})\b/.exec(
      typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '',
    );
    if (match?.[1]) return match[1];
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
