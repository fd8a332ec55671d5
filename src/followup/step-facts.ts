import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
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

export interface FactsRow {
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
 * Everything a step decides on, in one statement (ringback_step_facts, migrations/0030_step_facts.sql): it runs
 * for every step, and each round trip is a context switch on both sides. Speed: replaced eight small queries and
 * the Voice AI query (27 round trips per step before commit 171b450); the outbound lane's claim and a hand-off
 * return it with the step's job (stepFactsClaimed), so a step spends two round trips of its own, the intent and
 * the settle. Rows come back as JSON: timestamps (the `*_at` columns) are revived to dates.
 */
export async function loadStepFacts(db: Db, runStepId: number, now: Date): Promise<StepFacts | null> {
  const { rows } = await sql<{ f: FactsRow | null }>`${sql.raw(PREPARED)}
    select ${stepFactsSql(sql`${runStepId}::bigint`, now)} as f`.execute(db);
  return stepFactsFrom(db, rows[0]?.f ?? null);
}

/** The SQL that reads a step's facts as JSON, for the statement that claims its job. */
export function stepFactsSql(runStepId: RawBuilder<unknown>, now: Date): RawBuilder<unknown> {
  return sql`ringback_step_facts(${runStepId}, ${now}::timestamptz, ${MATCH_BEFORE_MS / 1000}::float8)`;
}

/** The facts as a claim returned them (stepFactsSql); null when the step is gone. */
export function stepFactsFrom(db: Db, row: FactsRow | null): StepFacts | null {
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
