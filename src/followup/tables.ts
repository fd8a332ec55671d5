import type { ColumnType, Generated } from 'kysely';

type Json<T = unknown> = ColumnType<T, string | undefined, string>;

export type RunOutcome = 'recovered' | 'lost' | 'suppressed';
export type StepState = 'pending' | 'sending' | 'done' | 'skipped' | 'stopped' | 'failed';
export type StepAction = 'sms' | 'task' | 'email' | 'escalation';

export interface RunsTable {
  id: Generated<number>;
  location_id: string;
  contact_id: string;
  status: 'active' | 'ended';
  outcome: RunOutcome | null;
  outcome_reason: string | null;
  outcome_at: Date | null;
  started_at: Date;
  source_tag: string | null;
  tracking_number: string | null;
  caller_phone: string | null;
  /** The contact's name as GHL had it when the run began (for the call log); null until read. */
  contact_name: ColumnType<string | null, string | null | undefined, string | null>;
  high_value: ColumnType<boolean, boolean | undefined, boolean>;
  assigned_user_id: string | null;
  missed_connections: ColumnType<number, number | undefined, number>;
  escalated_at: Date | null;
  first_followup_at: Date | null;
  first_human_contact_at: Date | null;
  rest_checked_at: Date | null;
  /** Steps of the sequence not scheduled yet, [step id, action, due time] in due order (plan-feed.ts). */
  plan: ColumnType<[string, string, string][] | null, string | null | undefined, string | null>;
  /** When the attribution tagged the contact (null before it ran) and how it routed the run (attribute-job.ts). */
  tagged_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  assigned_via: ColumnType<string | null, string | null | undefined, string | null>;
  /** The plan's first due time while the run is active; null otherwise. */
  plan_due_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Its steps and events once retention folded them in (src/retention/run-archive.ts); null until then. */
  archive: ColumnType<RunArchive | null, string | null | undefined, string | null>;
  created_at: Date;
  updated_at: Date;
}

/**
 * A run's archived steps and events (migrations/0034_run_archive.sql): times in milliseconds since its started_at
 * (a step's done and intent times since its due time), trailing nulls left out.
 */
export type RunArchive = [
  steps: [
    stepId: string,
    action: StepAction,
    state: StepState,
    due: number,
    done?: number | null,
    words?: string | null,
    reason?: string | null,
    intent?: number,
  ][],
  events: [kind: string, at: number, detail?: unknown, stepId?: string][],
];

export interface MissedCallsTable {
  id: Generated<number>;
  location_id: string;
  contact_id: string;
  run_id: number;
  message_id: string | null;
  called_at: Date;
  tracking_number: string | null;
  caller_number: string | null;
  source_tag: string | null;
  high_value: ColumnType<boolean, boolean | undefined, boolean>;
  call_status: string | null;
  voicemail_url: string | null;
  /** GHL's conversation of the call for the call log's link; null before it was kept. */
  conversation_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** 'sweep' when the lost-webhook sweep found the call (sweep.ts); null when its webhook brought it. */
  found_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Date;
}

export interface RunStepsTable {
  id: Generated<number>;
  run_id: number;
  location_id: string;
  contact_id: string;
  step_id: string;
  action: StepAction;
  due_at: Date;
  state: ColumnType<StepState, StepState | undefined, StepState>;
  intent_at: Date | null;
  done_at: Date | null;
  ghl_id: string | null;
  reason: string | null;
  rendered: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface RunEventsTable {
  id: Generated<number>;
  run_id: number;
  at: Date;
  kind: string;
  step_id: string | null;
  detail: Json;
}

export interface ContactEventsTable {
  id: Generated<number>;
  location_id: string;
  contact_id: string;
  kind: string;
  at: Date;
  ref: string | null;
  detail: Json;
}

export interface ContactFlagsTable {
  location_id: string;
  contact_id: string;
  sms_opted_out_at: Date | null;
  not_textable_at: Date | null;
  email_opted_out_at: Date | null;
  sms_held_at: Date | null;
  sms_held_reply: string | null;
  hold_task_id: string | null;
  not_textable_reason: string | null;
}

export interface LocationWarningsTable {
  location_id: string;
  code: string;
  first_at: Date;
  last_at: Date;
  occurrences: ColumnType<number, number | undefined, number>;
}

export interface RoundRobinTable {
  location_id: string;
  pool: string;
  next_index: ColumnType<number, number | undefined, number>;
}

export interface DigestsTable {
  location_id: string;
  local_date: ColumnType<string, string, string>;
  created_at: Date;
  sent_at: Date | null;
  recipients: ColumnType<number, number | undefined, number>;
  calls: ColumnType<number, number | undefined, number>;
}

export interface LocationSweepsTable {
  location_id: string;
  swept_until: Date;
  swept_at: Date;
  found: ColumnType<number, number | undefined, number>;
  requests: ColumnType<number, number | undefined, number>;
}

export interface LocationProfilesTable {
  location_id: string;
  business_address: string | null;
  updated_at: Date;
  /** The last dry-run test call (the setup checker wants one in the last 30 days). */
  test_call_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface RemovedUsersTable {
  location_id: string;
  user_id: string;
  removed_at: Date;
}

/** GHL opportunities, latest snapshot each (migrations/0013_opportunities.sql). */
export interface OpportunitiesTable {
  location_id: string;
  opportunity_id: string;
  contact_id: string | null;
  monetary_value: string | null;
  status: string | null;
  created_at: Date;
  event_at: Date;
  deleted: ColumnType<boolean, boolean | undefined, boolean>;
}

/** Calls GHL's Voice AI answered (migrations/0017_voice_ai.sql). */
export interface VoiceAiCallsTable {
  location_id: string;
  call_id: string;
  contact_id: string | null;
  message_id: string | null;
  started_at: Date;
  ended_at: Date;
  duration_sec: ColumnType<number, number | undefined, number>;
  outcome: string;
  summary: string | null;
  received_at: Date;
}

export interface FollowupTables {
  runs: RunsTable;
  missed_calls: MissedCallsTable;
  run_steps: RunStepsTable;
  run_events: RunEventsTable;
  contact_events: ContactEventsTable;
  opportunities: OpportunitiesTable;
  voice_ai_calls: VoiceAiCallsTable;
  contact_flags: ContactFlagsTable;
  location_warnings: LocationWarningsTable;
  location_profiles: LocationProfilesTable;
  round_robin: RoundRobinTable;
  digests: DigestsTable;
  location_sweeps: LocationSweepsTable;
  removed_users: RemovedUsersTable;
}
