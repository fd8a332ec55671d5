import type { GhlApi, GhlMessage } from '../ghl/api.js';

/** GHL's message type for email: `type` 3 or `messageType` TYPE_EMAIL (docs/ghl-api-calls.md, messages). */
function isEmail(m: GhlMessage): boolean {
  return m.type === 3 || m.messageType === 'TYPE_EMAIL' || m.messageType === 'Email';
}

function emailIdsOf(m: GhlMessage): string[] {
  const ids = (m.meta as { email?: { messageIds?: unknown } } | null | undefined)?.email?.messageIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

export type WantedMessage = { sms: string } | { subject: string; html: string };

/**
 * The id of the outbound message in `messages` (all dated after the send's intent) that is the one we meant to
 * send, or null. An SMS matches on its text. An email matches on its body, or else on its subject read from the
 * email itself: a message's `meta.email` carries only `messageIds`, never the subject, and the body GHL stores
 * need not be the html we sent (docs/ghl-api-calls.md, messages).
 */
export async function findOurMessage(
  ghl: Pick<GhlApi, 'getEmailSubject'>,
  locationId: string,
  messages: GhlMessage[],
  wanted: WantedMessage,
): Promise<string | null> {
  const outbound = messages.filter((m) => m.direction === 'outbound');
  if ('sms' in wanted) return outbound.find((m) => m.body === wanted.sms)?.id ?? null;
  const emails = outbound.filter(isEmail);
  const byBody = emails.find((m) => m.body === wanted.html);
  if (byBody) return byBody.id;
  for (const m of emails) {
    for (const id of emailIdsOf(m)) {
      if ((await ghl.getEmailSubject(locationId, id)) === wanted.subject) return m.id;
    }
  }
  return null;
}
