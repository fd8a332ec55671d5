import type { Sandbox } from '../../sandbox/index.js';
import { LOCATION_ID, TRACKING_NUMBERS, USERS } from '../../sandbox/seed.js';

/** A time on the demo's Monday (day 0) or Tuesday (day 1) in New York (EST, UTC-5 in January). */
export function et(day: 0 | 1, clock: string): Date {
  return new Date(`2026-01-0${5 + day}T${clock}:00-05:00`);
}

export const DEMO_START = new Date('2026-01-05T13:50:00Z');
/** 25.5 h of product time: Jane's +24 h text lands Tuesday 09:00, the digest at 08:00. */
export const DEMO_END = new Date(DEMO_START.getTime() + 25.5 * 3_600_000);

/** The callers of the day; the ones without a seed contact are new numbers the sandbox creates contacts for. */
export const CALLERS = {
  jane: '+13055550142',
  marcus: '+12125550187',
  replier: '+12125550134',
  booker: '+17185550162',
  repeat: '+19175550148',
  priya: '+13125550199',
  tom: '+16175550123',
  late: '+16465550177',
  aiBooked: '+13475550121',
  urgent: '+17185550190',
} as const;
export type CallerKey = keyof typeof CALLERS;

export const LINES = {
  [TRACKING_NUMBERS.facebook]: 'Facebook Ad Line',
  [TRACKING_NUMBERS.website]: 'Website Line',
  [TRACKING_NUMBERS.google]: 'Google Ads Line',
  [TRACKING_NUMBERS.main]: 'Main Office',
} as Record<string, string>;

export interface ScenarioContext {
  sandbox: Sandbox;
  /** Contact id of each caller once GHL knows them. */
  contacts: Map<CallerKey, string>;
  /** Display name of a contact (GHL's name, else the formatted phone). */
  nameOf(contactId: string | undefined, phone?: string): string;
  tickDigest(): Promise<void>;
}

export interface Action {
  at: Date;
  kind: 'phone' | 'clock';
  describe(ctx: ScenarioContext): string;
  run(ctx: ScenarioContext): Promise<void>;
}

const ordinal = ['1st', '2nd', '3rd'];
export const URGENT_REPLY = 'URGENT my crown fell out and I am bleeding a lot';

function call(at: Date, who: CallerKey, line: string, outcome: 'voicemail' | 'missed', note = ''): Action {
  return {
    at,
    kind: 'phone',
    describe: (ctx) =>
      `${ctx.nameOf(ctx.sandbox.store.contactByPhone(LOCATION_ID, CALLERS[who])?.id, CALLERS[who])}${note} calls the ${LINES[line] ?? line}: ${outcome === 'voicemail' ? 'no answer, leaves a voicemail' : 'no answer'}`,
    async run(ctx) {
      const result = await ctx.sandbox.phone.placeCall({
        locationId: LOCATION_ID,
        from: CALLERS[who],
        to: line,
        outcome,
      });
      ctx.contacts.set(who, result.contactId);
    },
  };
}

function contactOf(ctx: ScenarioContext, who: CallerKey): string {
  const id = ctx.contacts.get(who);
  if (!id) throw new Error(`demo: ${who} has not called yet`);
  return id;
}

/** The day at Bright Smile Dental, in order. */
export function buildScenario(): Action[] {
  const { facebook, website, google } = TRACKING_NUMBERS;
  const repeatCalls = ['11:00', '11:20', '11:45'].map((t, i) =>
    call(et(0, t), 'repeat', website, 'missed', ` (${ordinal[i]} call today)`),
  );
  const actions: Action[] = [
    call(et(0, '09:00'), 'jane', facebook, 'voicemail'),
    call(et(0, '09:20'), 'marcus', website, 'missed'),
    {
      at: et(0, '09:21'),
      kind: 'phone',
      describe: (ctx) => `Ben Carter calls ${ctx.nameOf(ctx.contacts.get('marcus'))} back: answered, they talk 3 min`,
      run: async (ctx) => {
        await ctx.sandbox.phone.returnCall({
          locationId: LOCATION_ID,
          contactId: contactOf(ctx, 'marcus'),
          userId: USERS.ben,
          answered: true,
        });
      },
    },
    call(et(0, '10:00'), 'replier', website, 'missed', ' (a new number)'),
    {
      at: et(0, '10:06'),
      kind: 'phone',
      describe: (ctx) => `${ctx.nameOf(ctx.contacts.get('replier'))} texts back: "Can you call me at noon?"`,
      run: async (ctx) => {
        await ctx.sandbox.phone.reply({
          locationId: LOCATION_ID,
          contactId: contactOf(ctx, 'replier'),
          body: 'Can you call me at noon?',
        });
      },
    },
    call(et(0, '10:30'), 'booker', facebook, 'voicemail', ' (a new number)'),
    {
      at: et(0, '10:34'),
      kind: 'phone',
      describe: (ctx) =>
        `${ctx.nameOf(ctx.contacts.get('booker'))} books a consultation for Tue 10:00 through the link`,
      run: async (ctx) => {
        await ctx.sandbox.phone.bookAppointment({
          locationId: LOCATION_ID,
          contactId: contactOf(ctx, 'booker'),
          startTime: et(1, '10:00'),
        });
      },
    },
    ...repeatCalls,
    {
      at: et(0, '10:40'),
      kind: 'phone',
      describe: (ctx) =>
        `Ana Lopez opens a $1,200 implant consultation deal for ${ctx.nameOf(ctx.contacts.get('booker'))}`,
      run: async (ctx) => {
        await ctx.sandbox.phone.createOpportunity({
          locationId: LOCATION_ID,
          contactId: contactOf(ctx, 'booker'),
          monetaryValue: 1200,
          name: 'Implant consultation',
        });
      },
    },
    call(et(0, '12:10'), 'aiBooked', website, 'missed', ' (a new number)'),
    {
      at: et(0, '12:11'),
      kind: 'phone',
      describe: (ctx) =>
        `HighLevel's Voice AI picked up for ${ctx.nameOf(ctx.contacts.get('aiBooked'))}: booked a cleaning for Tue 15:00`,
      run: async (ctx) => {
        await ctx.sandbox.phone.voiceAiCallEnd({
          locationId: LOCATION_ID,
          contactId: contactOf(ctx, 'aiBooked'),
          outcome: 'booked',
          startedAt: new Date(et(0, '12:10').getTime() + 5_000),
          durationSec: 50,
        });
        await ctx.sandbox.phone.createOpportunity({
          locationId: LOCATION_ID,
          contactId: contactOf(ctx, 'aiBooked'),
          monetaryValue: 450,
          name: 'Cleaning and exam',
        });
      },
    },
    call(et(0, '13:00'), 'priya', google, 'voicemail', ' (tagged VIP)'),
    call(et(0, '14:00'), 'tom', website, 'missed', ' (Do Not Disturb on)'),
    call(et(0, '15:10'), 'urgent', website, 'missed', ' (a new number)'),
    {
      at: et(0, '15:13'),
      kind: 'phone',
      describe: (ctx) => `${ctx.nameOf(ctx.contacts.get('urgent'))} texts: "${URGENT_REPLY}"`,
      run: async (ctx) => {
        await ctx.sandbox.phone.reply({
          locationId: LOCATION_ID,
          contactId: contactOf(ctx, 'urgent'),
          body: URGENT_REPLY,
        });
      },
    },
    call(et(0, '23:00'), 'late', facebook, 'voicemail', ' (a new number, late at night)'),
    {
      at: et(1, '08:00'),
      kind: 'clock',
      describe: () => "08:00 at Bright Smile: the daily digest's time",
      run: (ctx) => ctx.tickDigest(),
    },
  ];
  return actions.sort((a, b) => a.at.getTime() - b.at.getTime());
}
