import type { Db } from '../../db/create-db.js';
import type { Sandbox } from '../../sandbox/index.js';
import { LOCATION_ID, USERS } from '../../sandbox/seed.js';
import { computeRevenue, revenueLine } from '../../reporting/revenue.js';
import { DIGEST_RECIPIENT } from './install.js';
import type { Output } from './output.js';
import { type CallerKey, et } from './scenario.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** What Ringback sent a contact through GHL: texts and emails by the API, and tasks. */
function sentTo(sandbox: Sandbox, contactId: string | undefined) {
  const messages = contactId
    ? sandbox.store.messages(LOCATION_ID, contactId).filter((m) => m.direction === 'outbound' && m.source === 'api')
    : [];
  return {
    sms: messages.filter((m) => m.messageType === 'TYPE_SMS').map((m) => new Date(m.dateAdded).getTime()),
    email: messages.filter((m) => m.messageType === 'TYPE_EMAIL'),
    tasks: contactId ? sandbox.store.tasks(LOCATION_ID, contactId) : [],
  };
}

/** The outcomes the day must produce; `--exit` fails when one did not happen. */
export async function checkOutcomes(
  sandbox: Sandbox,
  db: Db['db'],
  contacts: Map<CallerKey, string>,
): Promise<Check[]> {
  const sent = (who: CallerKey) => sentTo(sandbox, contacts.get(who));
  const run = async (who: CallerKey) =>
    db
      .selectFrom('runs')
      .select(['outcome', 'outcome_reason', 'escalated_at'])
      .where('location_id', '=', LOCATION_ID)
      .where('contact_id', '=', contacts.get(who) ?? '')
      .orderBy('id', 'desc')
      .executeTakeFirst();
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const summary = (s: ReturnType<typeof sent>) =>
    `${s.sms.length} SMS, ${s.tasks.length} task(s), ${s.email.length} email(s)`;

  const jane = sent('jane');
  check(
    'Facebook caller (Jane, Miami number) got SMS 09:02, task for Ana 09:15, email 11:00; no marketing SMS without consent',
    jane.sms.join() === [et(0, '09:02')].map((d) => d.getTime()).join() &&
      jane.tasks.length === 1 &&
      jane.tasks[0]?.assignedTo === USERS.ana &&
      jane.email.length === 1,
    summary(jane),
  );
  const marcus = sent('marcus');
  const marcusRun = await run('marcus');
  check(
    'Returned call (Marcus) recovered with nothing sent',
    marcusRun?.outcome === 'recovered' && marcus.sms.length + marcus.email.length + marcus.tasks.length === 0,
    `${marcusRun?.outcome ?? 'no run'} (${marcusRun?.outcome_reason ?? '-'}), ${summary(marcus)}`,
  );
  const replied = await run('replier');
  check(
    'Reply stopped the sequence',
    replied?.outcome_reason === 'replied' && sent('replier').tasks.length === 0,
    `${replied?.outcome ?? 'no run'} (${replied?.outcome_reason ?? '-'})`,
  );
  const booked = await run('booker');
  check(
    'Booking stopped the sequence',
    booked?.outcome_reason === 'booked' && sent('booker').tasks.length === 0,
    `${booked?.outcome ?? 'no run'} (${booked?.outcome_reason ?? '-'})`,
  );
  const manager = sent('repeat').tasks.filter((t) => t.assignedTo === USERS.maya);
  check(
    'Repeat caller escalated to the manager at the 3rd missed call',
    manager.length === 1 &&
      manager[0]!.title.startsWith('PRIORITY') &&
      new Date(manager[0]!.dateAdded).getTime() === et(0, '11:45').getTime(),
    `${manager.length} manager task(s)`,
  );
  const priya = sent('priya').tasks[0];
  check(
    'High-value caller (Priya) got a priority task within 5 min',
    !!priya &&
      priya.title.startsWith('PRIORITY') &&
      new Date(priya.dateAdded).getTime() - et(0, '13:00').getTime() <= 5 * 60_000,
    priya ? `"${priya.title}" at ${priya.dateAdded}` : 'no task',
  );
  const tom = sent('tom');
  check(
    'DND contact (Tom) got no text or email, a rep still got a task',
    tom.sms.length === 0 && tom.email.length === 0 && tom.tasks.length === 1,
    summary(tom),
  );
  const late = sent('late');
  check(
    '23:00 caller got the first SMS at 08:00, not before',
    late.sms[0] === et(1, '08:00').getTime(),
    `first SMS at ${late.sms[0] ? new Date(late.sms[0]).toISOString() : 'never'}`,
  );
  const digest = sandbox.store
    .messages(LOCATION_ID)
    .filter((m) => m.messageType === 'TYPE_EMAIL' && (m.subject ?? '').startsWith('Ringback daily digest 2026-01-06'))
    .filter((m) => sandbox.store.contact(m.contactId)?.email === DIGEST_RECIPIENT);
  check(
    'Daily digest emailed to the owner Tue 08:00',
    digest.length === 1 && digest[0]!.dateAdded === et(1, '08:00').toISOString(),
    `${digest.length} digest email(s)`,
  );
  const aiRun = await run('aiBooked');
  const ai = sent('aiBooked');
  check(
    'Caller the Voice AI booked (12:10) recovered "handled by Voice AI", no text or task',
    aiRun?.outcome === 'recovered' && aiRun.outcome_reason === 'voice-ai' && ai.sms.length + ai.tasks.length === 0,
    `${aiRun?.outcome ?? 'no run'} (${aiRun?.outcome_reason ?? '-'}), ${summary(ai)}`,
  );
  const urgent = sent('urgent').tasks.filter((t) => t.title.startsWith('URGENT'));
  check(
    'Emergency reply (15:13) gave the manager an URGENT task at once',
    urgent.length === 1 &&
      urgent[0]!.assignedTo === USERS.maya &&
      new Date(urgent[0]!.dateAdded).getTime() === et(0, '15:13').getTime(),
    `${urgent.length} urgent task(s)`,
  );
  const revenue = await computeRevenue(db, { locationId: LOCATION_ID, since: et(0, '00:00'), until: et(1, '23:59') });
  check(
    'Revenue recovered: the two deals opened for recovered callers ($1,200 and $450)',
    revenue.value === 1650 && revenue.basis.opportunity === 2,
    revenueLine(revenue),
  );
  const dead = await db.selectFrom('jobs').select(['kind', 'last_error']).where('state', '=', 'dead').execute();
  check('No job gave up', dead.length === 0, dead.map((d) => `${d.kind}: ${d.last_error}`).join('; ') || 'none dead');
  return checks;
}

export function printChecks(out: Output, checks: Check[]): void {
  for (const c of checks) {
    const mark = c.ok ? out.c.green('✓') : out.c.red('✗');
    out.line(`  ${mark} ${c.name}${c.ok ? '' : out.c.red(`  (${c.detail})`)}`);
  }
}
