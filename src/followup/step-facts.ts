import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { PREPARED } from '../db/prepared.js';
import type { GhlContact } from '../ghl/api.js';
import type { Settings } from '../core/settings/schema.js';
import { assignRep } from './round-robin.js';
import type { HistoryRow } from './history.js';
import { type LocationContext, locationContextFrom } from './location-settings.js';
import type { RunFacts } from '../core/step-content.js';
import type { RunsTable, RunStepsTable } from './tables.js';
import { MATCH_BEFORE_MS, type VoiceAiFacts, type VoiceAiOutcome } from './voice-ai.js';

type Db = Kysely<Database>;
const DAY_MS = 86_400_000;

export interface StepFacts {
  step: Selectable<RunStepsTable>;
  run: Selectable<RunsTable>;
  /** The location's settings and install, read with the step so a change in the page applies to runs in flight. */
  location: LocationContext;
  /** GHL refused the install's refresh token (installations.status 'revoked'), as opposed to an uninstall. */
  installRevoked: boolean;
  /** The contact's history since the run started (stop conditions), as stored when the step was loaded. */
  history: HistoryRow[];
  /** Our callback tasks of this run: completing one of them is a stop condition. */
  taskIds: string[];
  touches: Date[];
  optedOutSms: boolean;
  notTextable: boolean;
  /** A possible opt-out waits for a rep's confirmation; the contact unsubscribed by email (consent.ts). */
  smsHeld: boolean;
  emailOptedOut: boolean;
  /** The location's postal address from GHL (location_profiles), for email footers. */
  businessAddress: string | null;
  runFacts: RunFacts;
  /** What GHL's Voice AI did with the caller, read with the rest (voice-ai.ts decides what it changes). */
  voiceAi: VoiceAiFacts;
  routeNow(settings: Settings, contact: GhlContact): Promise<string | null>;
}

interface FactsRow {
  step: Record<string, unknown>;
  run: Record<string, unknown>;
  siblings: Record<string, unknown>[];
  flags: { sms_opted_out: boolean; not_textable: boolean; sms_held: boolean; email_opted_out: boolean } | null;
  touches: string[];
  voicemail_url: string | null;
  history: { kind: string; ref: string | null; at: string }[];
  settings: string | null;
  install_status: string | null;
  timezone: string | null;
  name: string | null;
  business_address: string | null;
  voice_ai_uses: boolean;
  voice_ai_call: { outcome: string; summary: string | null } | null;
}

/**
 * Speed: replaces eight small queries and the Voice AI query; with the intent and the settle, a step in 3 round
 * trips and its share of the claim (27 before commit 171b450).
 * Everything a step decides on, in one statement: it runs for every step, and each round trip is a context
 * switch on both sides; eight small queries cost several times this one. Rows come back as JSON: timestamps
 * (the `*_at` columns) are revived to dates.
 */
export async function loadStepFacts(db: Db, runStepId: number, now: Date): Promise<StepFacts | null> {
  const { rows } = await sql<FactsRow>`${sql.raw(PREPARED)}
    select to_jsonb(s) as step, to_jsonb(r) as run,
      (select coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'step_id', x.step_id, 'action', x.action,
                'state', x.state, 'ghl_id', x.ghl_id, 'done_at', x.done_at) order by x.due_at, x.id), '[]'::jsonb)
         from run_steps x where x.run_id = r.id) as siblings,
      (select jsonb_build_object('sms_opted_out', f.sms_opted_out_at is not null, 'not_textable', f.not_textable_at is not null,
                'sms_held', f.sms_held_at is not null, 'email_opted_out', f.email_opted_out_at is not null)
         from contact_flags f where f.location_id = r.location_id and f.contact_id = r.contact_id) as flags,
      (select coalesce(jsonb_agg(coalesce(t.done_at, t.intent_at)), '[]'::jsonb) from run_steps t
         where t.location_id = r.location_id and t.contact_id = r.contact_id and t.action = 'sms' and t.id <> s.id
           and ((t.state = 'done' and t.done_at > ${new Date(now.getTime() - DAY_MS)}) or t.state = 'sending')) as touches,
      (select m.voicemail_url from missed_calls m where m.run_id = r.id and m.voicemail_url is not null
         order by m.called_at desc limit 1) as voicemail_url,
      (select coalesce(jsonb_agg(jsonb_build_object('kind', e.kind, 'ref', e.ref, 'at', e.at)), '[]'::jsonb) from contact_events e
         where e.location_id = r.location_id and e.contact_id = r.contact_id and e.at >= r.started_at) as history,
      (select ls.settings::text from location_settings ls where ls.location_id = s.location_id) as settings,
      (select p.business_address from location_profiles p where p.location_id = s.location_id) as business_address,
      exists(select 1 from voice_ai_calls v where v.location_id = r.location_id
               and v.received_at >= ${new Date(now.getTime() - 30 * DAY_MS)}) as voice_ai_uses,
      (select jsonb_build_object('outcome', v.outcome, 'summary', v.summary) from voice_ai_calls v
         where v.location_id = r.location_id and v.contact_id = r.contact_id
           and v.started_at >= r.started_at - make_interval(secs => ${MATCH_BEFORE_MS / 1000})
         order by v.started_at desc limit 1) as voice_ai_call,
      i.status as install_status, i.timezone, i.name
    from run_steps s
    join runs r on r.id = s.run_id
    left join installations i on i.location_id = s.location_id
    where s.id = ${runStepId}`.execute(db);
  const row = rows[0];
  if (!row) return null;
  const step = reviveDates(row.step) as unknown as Selectable<RunStepsTable>;
  const run = reviveDates(row.run) as unknown as Selectable<RunsTable>;
  const siblings = row.siblings.map(reviveDates) as unknown as Pick<
    Selectable<RunStepsTable>,
    'id' | 'step_id' | 'action' | 'state' | 'ghl_id' | 'done_at'
  >[];
  const sequence = siblings.filter((s) => s.action !== 'escalation');
  // The run's first text by its place in the sequence (siblings come in due order), not by what was sent yet:
  // two texts due together (after an outage) must not both think they are first.
  const firstSms = siblings.find((s) => s.action === 'sms');
  return {
    step,
    run,
    location: locationContextFrom(step.location_id, {
      settings: row.settings,
      status: row.install_status,
      timezone: row.timezone,
      name: row.name,
    }),
    installRevoked: row.install_status === 'revoked',
    history: row.history.map((h) => ({ kind: h.kind, ref: h.ref, at: new Date(h.at) })),
    taskIds: siblings.filter((s) => s.action === 'task' && s.ghl_id).map((s) => s.ghl_id!),
    touches: row.touches.map((t) => new Date(t)).filter((d) => d.getTime() > 0),
    optedOutSms: !!row.flags?.sms_opted_out,
    notTextable: !!row.flags?.not_textable,
    smsHeld: !!row.flags?.sms_held,
    emailOptedOut: !!row.flags?.email_opted_out,
    businessAddress: row.business_address,
    runFacts: {
      startedAt: run.started_at,
      sourceTag: run.source_tag,
      trackingNumber: run.tracking_number,
      callerPhone: run.caller_phone,
      highValue: run.high_value,
      missedConnections: run.missed_connections,
      assignedUserId: run.assigned_user_id,
      voicemailUrl: row.voicemail_url,
      stepsDone: sequence
        .filter((s) => s.state === 'done' && s.done_at)
        .map((s) => ({ stepId: s.step_id, action: s.action, at: s.done_at! })),
    },
    voiceAi: {
      usesVoiceAi: row.voice_ai_uses === true,
      call: row.voice_ai_call
        ? { outcome: row.voice_ai_call.outcome as VoiceAiOutcome, summary: row.voice_ai_call.summary }
        : null,
      notFirstSms: firstSms?.id !== step.id,
    },
    async routeNow(settings, contact) {
      const source =
        settings.sources.find((s) => s.tag === run.source_tag && s.trackingNumber === run.tracking_number) ?? null;
      return db.transaction().execute(async (trx) => {
        const fresh = await trx
          .selectFrom('runs')
          .select('assigned_user_id')
          .where('id', '=', run.id)
          .forUpdate()
          .executeTakeFirst();
        if (fresh?.assigned_user_id) return fresh.assigned_user_id;
        const a = await assignRep(trx, {
          locationId: run.location_id,
          settings,
          source,
          contactTags: contact.tags,
          sourceTag: run.source_tag,
        });
        await trx.updateTable('runs').set({ assigned_user_id: a.userId }).where('id', '=', run.id).execute();
        return a.userId;
      });
    },
  };
}

/** A row read as JSON, with its timestamp columns (named `*_at`) as dates again. */
function reviveDates(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = k.endsWith('_at') && typeof v === 'string' ? new Date(v) : v;
  return out;
}
