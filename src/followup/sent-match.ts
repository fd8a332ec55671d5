import type { GhlMessage } from '../ghl/api.js';

function metaSubject(m: GhlMessage): string | null {
  const meta = m.meta as { email?: { subject?: unknown }; subject?: unknown } | null | undefined;
  const s = meta?.email?.subject ?? meta?.subject;
  return typeof s === 'string' ? s : null;
}

/**
 * Whether an outbound message in GHL is the one we meant to send: same SMS text, or an email with the same
 * subject or body. How a crashed send is recognised after a restart.
 */
export function isOurMessage(m: GhlMessage, wanted: { sms?: string; subject?: string; html?: string }): boolean {
  if (m.direction !== 'outbound') return false;
  if (wanted.sms !== undefined) return m.body === wanted.sms;
  return (wanted.html !== undefined && m.body === wanted.html) || (wanted.subject !== undefined && metaSubject(m) === wanted.subject);
}
