import { ManualClock } from '../../src/clock.js';
import { CONTACTS, LOCATION_ID, TRACKING_NUMBERS, USERS } from '../../src/sandbox/seed.js';
import { seedSettings } from '../../src/sandbox/seed-settings.js';
import type { Settings } from '../../src/core/settings/schema.js';
import type { MessageResult, PlaceCallInput } from '../../src/sandbox/phone-calls.js';
import { installVia, type Stack, type StackOptions, startStack } from './stack.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

/**
 * The seed's sequence with its first text due with the call, on a clock at 10:00 in the zone of the callers the
 * tests use (+1 415: Pacific), inside the send window: a missed call's first text goes out at once.
 */
export function firstTextAtOnce(): { settings: Settings; clock: ManualClock } {
  const settings = seedSettings();
  return {
    settings: { ...settings, sequence: settings.sequence.map((st, i) => (i ? st : { ...st, after: 'PT0S' })) },
    clock: new ManualClock('2026-01-05T18:00:00Z'),
  };
}

/**
 * firstTextAtOnce for a stack whose worker runs (worker.start()): no poll claims the jobs meanwhile, so a missed
 * call's jobs run only by hand-off (src/jobs/hand-off.ts) or a wake-up.
 */
export function handingOff(): ReturnType<typeof firstTextAtOnce> & { pollMs: number } {
  return { ...firstTextAtOnce(), pollMs: 60_000 };
}

/** Waits (real time, 15 s at most) until `done` holds, for work a started worker does on its own. */
export async function until(what: string, done: () => Promise<boolean> | boolean): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 15_000; await new Promise((r) => setTimeout(r, 25)))
    if (await done()) return;
  throw new Error(`${what}: not within 15 s`);
}

export { seedSettings };

export interface EngineStack extends Stack {
  clock: ManualClock;
  /** Runs every job due at the clock's time, including what those jobs enqueue. */
  settle(): Promise<void>;
  /** Moves the clock forward minute by minute, settling at each, so every job runs at its due minute. */
  advance(ms: number, stepMs?: number): Promise<void>;
  /** Sets the clock to `t0 + offsetMs` (t0: the stack's start) and settles. */
  at(offsetMs: number): Promise<void>;
  t0: Date;
  setSettings(settings: Settings): Promise<void>;
  /**
   * A call nobody answered, processed: Marcus dials the website line and nobody picks up, unless `call` says
   * otherwise. Every engine test starts with one.
   */
  missedCall(call?: Partial<Omit<PlaceCallInput, 'locationId'>>): Promise<MessageResult>;
  /** What Ringback sent through GHL for a contact: SMS and email (outbound, by the API) and tasks. */
  sent(contactId: string): { sms: SentItem[]; email: SentItem[]; tasks: TaskItem[] };
  run(contactId: string): Promise<
    | {
        id: number;
        status: string;
        outcome: string | null;
        outcome_reason: string | null;
        escalated_at: Date | null;
        assigned_user_id: string | null;
        high_value: boolean;
      }
    | undefined
  >;
}

export interface SentItem {
  at: string;
  body: string;
  subject?: string;
}
export interface TaskItem {
  at: string;
  title: string;
  body: string | null;
  assignedTo: string | null;
  dueDate: string;
}

export async function startEngineStack(
  opts: StackOptions & { settings?: Settings; locationId?: string } = {},
): Promise<EngineStack> {
  const stack = await startStack(opts);
  const locationId = opts.locationId ?? LOCATION_ID;
  const res = await installVia(stack, { locationId });
  if (res.status !== 200) throw new Error(`install failed: ${res.status} ${res.html}`);
  const db = stack.rt.db.db;
  const t0 = stack.clock.now();
  const engine: EngineStack = {
    ...stack,
    t0,
    async at(offsetMs) {
      stack.clock.set(t0.getTime() + offsetMs);
      await stack.rt.worker.drain();
    },
    async settle() {
      await stack.rt.worker.drain();
    },
    async advance(ms, stepMs = MIN) {
      const end = stack.clock.now().getTime() + ms;
      while (stack.clock.now().getTime() < end) {
        stack.clock.set(Math.min(end, stack.clock.now().getTime() + stepMs));
        await stack.rt.worker.drain();
      }
    },
    async missedCall(call = {}) {
      const placed = await stack.sandbox.phone.placeCall({
        locationId,
        from: PHONES.marcus,
        to: TRACKING_NUMBERS.website,
        outcome: 'no-answer',
        ...call,
      });
      await stack.rt.worker.drain();
      return placed;
    },
    async setSettings(settings) {
      const now = stack.clock.now();
      await db
        .insertInto('location_settings')
        .values({ location_id: locationId, settings: JSON.stringify(settings), version: 1, updated_at: now })
        .onConflict((oc) =>
          oc.column('location_id').doUpdateSet({ settings: JSON.stringify(settings), updated_at: now }),
        )
        .execute();
    },
    sent(contactId) {
      const messages = stack.sandbox.store
        .messages(locationId, contactId)
        .filter((m) => m.direction === 'outbound' && m.source === 'api');
      return {
        sms: messages.filter((m) => m.messageType === 'TYPE_SMS').map((m) => ({ at: m.dateAdded, body: m.body })),
        email: messages
          .filter((m) => m.messageType === 'TYPE_EMAIL')
          .map((m) => ({ at: m.dateAdded, body: m.body, subject: m.subject })),
        tasks: stack.sandbox.store.tasks(locationId, contactId).map((t) => ({
          at: t.dateAdded,
          title: t.title,
          body: t.body,
          assignedTo: t.assignedTo,
          dueDate: t.dueDate,
        })),
      };
    },
    async run(contactId) {
      return db
        .selectFrom('runs')
        .select(['id', 'status', 'outcome', 'outcome_reason', 'escalated_at', 'assigned_user_id', 'high_value'])
        .where('location_id', '=', locationId)
        .where('contact_id', '=', contactId)
        .orderBy('id', 'desc')
        .executeTakeFirst();
    },
  };
  await engine.setSettings(opts.settings ?? seedSettings());
  await engine.settle();
  return engine;
}

export const PHONES = {
  jane: '+13055550142',
  marcus: '+12125550187',
  priya: '+13125550199',
  tom: '+16175550123',
  olivia: '+14155550166',
} as const;

export { CONTACTS, LOCATION_ID, TRACKING_NUMBERS, USERS };
