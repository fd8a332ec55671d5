import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { enqueueJob } from '../jobs/queries.js';
import { recordContactEvent } from './history.js';
import { classifyReply } from '../core/opt-out.js';
import { addRunEvent, lockActiveRun, stopRun } from './runs.js';

type Db = Kysely<Database>;

export const DND_WRITE_JOB = 'followup.dnd-write';
export const CONFIRM_OPT_OUT_JOB = 'followup.confirm-opt-out';

export type TextChannel = 'sms' | 'email';

export interface InboundText {
  locationId: string;
  contactId: string;
  channel: TextChannel;
  body: string | null;
  messageId: string | null;
  at: Date;
  /** The path it came by: `webhook` or `rest-check` (a lost webhook found through the API). */
  via: string;
}

/**
 * Every inbound text, on every path, passes here first (FCC 24-18: revocation by any reasonable means;
 * docs/compliance-signals.md). A clear opt-out is recorded for its channel, ends the run (texts) and is written
 * back to GHL as that channel's DND; a possible one holds automated texts and asks a rep to confirm. `reply`
 * when it is neither: the caller records an ordinary reply. `duplicate` when this message was already handled.
 */
export async function ingestInboundText(
  trx: Db,
  t: InboundText,
  now: Date,
): Promise<'opt-out' | 'maybe' | 'reply' | 'duplicate'> {
  const { kind, matched } = classifyReply(replyText(t.channel, t.body));
  if (kind === 'none') return 'reply';
  const fresh = await recordContactEvent(trx, {
    locationId: t.locationId,
    contactId: t.contactId,
    kind: kind === 'maybe' ? 'maybe-opt-out' : t.channel === 'sms' ? 'opt-out' : 'email-opt-out',
    at: t.at,
    ref: t.messageId,
    detail: { via: t.via, channel: t.channel, matched },
  });
  if (!fresh) return 'duplicate';
  if (kind === 'maybe') {
    await holdTexts(trx, t, matched ?? '', now);
    return 'maybe';
  }
  await recordOptOut(trx, t, matched ?? '', now);
  return 'opt-out';
}

/** A clear opt-out for the channel: flagged, the run's timeline says so (`text` overrides the words), the texts' run ends, GHL is told. */
export async function recordOptOut(trx: Db, t: InboundText, matched: string, now: Date, text?: string): Promise<void> {
  const column = t.channel === 'sms' ? 'sms_opted_out_at' : 'email_opted_out_at';
  await trx
    .insertInto('contact_flags')
    .values({ location_id: t.locationId, contact_id: t.contactId, [column]: t.at })
    .onConflict((oc) => oc.columns(['location_id', 'contact_id']).doUpdateSet({ [column]: t.at }))
    .execute();
  const run = await lockActiveRun(trx, t.locationId, t.contactId);
  if (run) {
    const words =
      text ??
      (t.channel === 'sms'
        ? `The contact opted out of texts ("${matched}"); no more automated texts, and GHL is told (SMS Do Not Disturb).`
        : `The contact unsubscribed by email ("${matched}"); no more emails, and GHL is told (email Do Not Disturb).`);
    await addRunEvent(trx, run.id, t.at, t.channel === 'sms' ? 'opted-out' : 'email-opted-out', {
      via: t.via,
      text: words,
    });
    if (t.channel === 'sms') await stopRun(trx, run.id, 'opted-out', t.at);
  }
  const channel = t.channel === 'sms' ? 'SMS' : 'Email';
  await enqueueJob(
    trx,
    {
      kind: DND_WRITE_JOB,
      payload: { locationId: t.locationId, contactId: t.contactId, channel },
      runAt: now,
      uniqueKey: `dnd:${t.locationId}:${t.contactId}:${channel}:${t.messageId ?? t.at.toISOString()}`,
      locationId: t.locationId,
    },
    now,
  );
}

async function holdTexts(trx: Db, t: InboundText, matched: string, now: Date): Promise<void> {
  const reply = (t.body ?? '').slice(0, 300);
  await trx
    .insertInto('contact_flags')
    .values({ location_id: t.locationId, contact_id: t.contactId, sms_held_at: t.at, sms_held_reply: reply })
    .onConflict((oc) =>
      oc
        .columns(['location_id', 'contact_id'])
        .doUpdateSet({ sms_held_at: t.at, sms_held_reply: reply, hold_task_id: null }),
    )
    .execute();
  const run = await lockActiveRun(trx, t.locationId, t.contactId);
  if (run) {
    const text = `Automated texts are on hold: the contact replied "${reply}" ("${matched}" may mean "stop texting me"). A rep was asked to confirm.`;
    await addRunEvent(trx, run.id, t.at, 'texts-held', { via: t.via, text });
  }
  await enqueueJob(
    trx,
    {
      kind: CONFIRM_OPT_OUT_JOB,
      payload: { locationId: t.locationId, contactId: t.contactId, reply },
      runAt: now,
      uniqueKey: `hold:${t.locationId}:${t.contactId}:${t.messageId ?? t.at.toISOString()}`,
      locationId: t.locationId,
    },
    now,
  );
}

/** A rep completed the confirmation task without setting DND: the contact still wants texts. */
export async function releaseHold(
  trx: Db,
  locationId: string,
  contactId: string,
  taskId: string,
  at: Date,
): Promise<void> {
  const released = await trx
    .updateTable('contact_flags')
    .set({ sms_held_at: null, hold_task_id: null })
    .where('location_id', '=', locationId)
    .where('contact_id', '=', contactId)
    .where('hold_task_id', '=', taskId)
    .returning('contact_id')
    .executeTakeFirst();
  if (!released) return;
  const run = await lockActiveRun(trx, locationId, contactId);
  const text = 'A rep confirmed the contact still accepts texts: automated texts resume.';
  if (run) await addRunEvent(trx, run.id, at, 'texts-resumed', { text });
}

/**
 * The words a person wrote: for an email, what stands above the quoted message (a reply quoting our own email
 * must not read our footer as theirs), without HTML tags.
 */
export function replyText(channel: TextChannel, body: string | null): string {
  if (!body) return '';
  if (channel === 'sms') return body;
  const text = body
    .replace(/<(?:br|\/p|\/div)[^>]*>/gi, '\n')
    .replace(/<blockquote[\s\S]*$/i, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ');
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*>/.test(line) || /^\s*On .+wrote:\s*$/i.test(line) || /^-{2,}\s*Original Message/i.test(line)) break;
    lines.push(line);
  }
  return lines.join('\n');
}
