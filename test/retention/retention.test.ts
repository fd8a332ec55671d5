/**
 * Issue 15, point 6: webhook bodies kept 7 days, nothing but the dedupe key for locations that did not install
 * Ringback, an uninstalled location's contact data deleted after 30 days; a periodic job that N instances
 * enqueue once per slot. Issue 19: after the 7 days a processed webhook with a timestamp leaves no row at all
 * (its age refuses a redelivery); one without keeps its key.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_JOB, RETENTION_SLOT_MS, retentionTick } from '../../src/retention/job.js';
import { applyRetention } from '../../src/retention/retention.js';
import { CONTACTS, LOCATION_2_ID, LOCATION_ID, TRACKING_NUMBERS } from '../../src/sandbox/seed.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  await installVia(stack, { locationId: LOCATION_ID });
});
afterAll(async () => stack?.close());

const db = () => stack.rt.db.db;
const DAY = 86_400_000;

/** The same bytes and signature posted again, as GHL's redelivery or a replay would. */
const replay = (d: { headers: Record<string, string>; rawBody: string }) =>
  fetch(`${stack.url}/webhooks/ghl`, { method: 'POST', headers: d.headers, body: d.rawBody });

async function runRetention(): Promise<void> {
  await retentionTick(db(), stack.clock.now());
  await stack.rt.worker.drain();
}

const bodyOf = async (webhookId: string) =>
  (await db()
    .selectFrom('webhook_inbox')
    .select(['body', 'webhook_id'])
    .where('webhook_id', '=', webhookId)
    .executeTakeFirst()) ?? null;

const contactRows = async (locationId: string) => {
  const count = async (table: string) =>
    Number(
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from ${sql.table(table)} where location_id = ${locationId}`.execute(db())
      ).rows[0]?.n,
    );
  return {
    runs: await count('runs'),
    calls: await count('missed_calls'),
    events: await count('contact_events'),
    steps: await count('run_steps'),
  };
};

describe('data retention', () => {
  it('keeps nothing but the dedupe key and timestamp of an event for a location that has not installed Ringback', async () => {
    const event = {
      type: 'InboundMessage',
      locationId: LOCATION_2_ID,
      contactId: CONTACTS.sam,
      messageType: 'SMS',
      direction: 'inbound',
      body: 'my private words',
    };
    const d = await stack.sandbox.deliver(event, { sign: 'ed25519' });
    expect(d.status).toBe(200);
    await stack.rt.worker.drain();
    await runRetention();
    // Only the timestamp stays beside the key: it is not contact data, and it lets the row go after the period.
    expect(await bodyOf(d.webhookId)).toEqual({ webhook_id: d.webhookId, body: { timestamp: d.event['timestamp'] } });
    // The key still stops a replay of the same delivery.
    expect(await (await replay(d)).json()).toEqual({ ok: true, duplicate: true });
    const rows = await db().selectFrom('webhook_inbox').select('id').where('webhook_id', '=', d.webhookId).execute();
    expect(rows).toHaveLength(1);
    stack.clock.advance(7 * DAY + 60_000);
    await runRetention();
    expect(await bodyOf(d.webhookId)).toBeNull();
    expect((await (await replay(d)).json()).error.code).toBe('STALE_WEBHOOK');
  });

  it('keeps an installed location’s webhooks 7 days, then deletes them: their age refuses a redelivery', async () => {
    const placed = await stack.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: '+13055550142',
      to: TRACKING_NUMBERS.facebook,
      outcome: 'missed',
    });
    await stack.rt.worker.drain();
    await runRetention();
    expect((await bodyOf(placed.delivery.webhookId))?.body).not.toBeNull();
    stack.clock.advance(6 * DAY);
    await runRetention();
    expect((await bodyOf(placed.delivery.webhookId))?.body).not.toBeNull();
    stack.clock.advance(DAY + 60_000);
    await runRetention();
    expect(await bodyOf(placed.delivery.webhookId)).toBeNull();
    const again = await replay(placed.delivery);
    expect(again.status).toBe(400);
    expect((await again.json()).error.code).toBe('STALE_WEBHOOK');
    expect(await bodyOf(placed.delivery.webhookId)).toBeNull();
  });

  it('keeps the key of a webhook without a timestamp, and of one not processed yet', async () => {
    const now = stack.clock.now();
    const row = (webhookId: string, body: object, processed: boolean) => ({
      webhook_id: webhookId,
      type: 'InboundMessage',
      location_id: LOCATION_ID,
      body: JSON.stringify(body),
      signature_kind: 'ed25519' as const,
      received_at: now,
      processed_at: processed ? now : null,
    });
    const event = { type: 'InboundMessage', locationId: LOCATION_ID, contactId: CONTACTS.sam, body: 'hi' };
    await db()
      .insertInto('webhook_inbox')
      .values([
        // Only its key refuses a replay of this one: no age to judge it by.
        row('sha256:no-timestamp', event, true),
        row('unprocessed-1', { ...event, timestamp: now.toISOString() }, false),
      ])
      .execute();
    stack.clock.advance(7 * DAY + 60_000);
    await applyRetention(db(), stack.clock.now(), stack.rt.deps.config.retention);
    expect(await bodyOf('sha256:no-timestamp')).toEqual({ webhook_id: 'sha256:no-timestamp', body: null });
    expect(await bodyOf('unprocessed-1')).toEqual({ webhook_id: 'unprocessed-1', body: null });
    await db().deleteFrom('webhook_inbox').where('webhook_id', '=', 'unprocessed-1').execute();
  });

  it('deletes a job 7 days after it is done, and keeps dead ones', async () => {
    // An answered call: its job is recorded done by the worker and kept (a missed call's statement deletes the
    // job it records: migrations/0036).
    const placed = await stack.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: '+13055550143',
      to: TRACKING_NUMBERS.facebook,
      outcome: 'answered',
    });
    await stack.rt.worker.drain();
    const jobOf = () =>
      db()
        .selectFrom('jobs')
        .select('state')
        .where('unique_key', '=', `webhook:${placed.delivery.webhookId}`)
        .executeTakeFirst();
    expect(await jobOf()).toEqual({ state: 'done' });
    const now = stack.clock.now();
    await db()
      .insertInto('jobs')
      .values({
        kind: 'test.dead',
        payload: '{}',
        state: 'dead',
        run_at: now,
        created_at: now,
        updated_at: now,
        finished_at: now,
      })
      .execute();
    stack.clock.advance(6 * DAY);
    await runRetention();
    expect(await jobOf()).toEqual({ state: 'done' });
    stack.clock.advance(DAY + 60_000);
    await runRetention();
    expect(await jobOf()).toBeUndefined();
    const dead = await db().selectFrom('jobs').select('id').where('kind', '=', 'test.dead').execute();
    expect(dead).toHaveLength(1);
    // Its webhook's row went with it (processed, with a timestamp).
    expect(await bodyOf(placed.delivery.webhookId)).toBeNull();
  });

  it('deletes an uninstalled location’s contact data 30 days after the uninstall, and keeps its settings', async () => {
    await stack.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: '+12125550187',
      to: TRACKING_NUMBERS.website,
      outcome: 'missed',
    });
    await stack.rt.worker.drain();
    expect((await contactRows(LOCATION_ID)).calls).toBeGreaterThan(0);
    expect((await stack.sandbox.phone.uninstall({ locationId: LOCATION_ID })).delivery.status).toBe(200);
    await stack.rt.worker.drain();
    stack.clock.advance(29 * DAY);
    await runRetention();
    expect((await contactRows(LOCATION_ID)).calls).toBeGreaterThan(0);
    stack.clock.advance(DAY + 60_000);
    await runRetention();
    expect(await contactRows(LOCATION_ID)).toEqual({ runs: 0, calls: 0, events: 0, steps: 0 });
    const kept = await sql<{
      n: number;
    }>`select count(*)::int as n from webhook_inbox where location_id = ${LOCATION_ID} and body is not null`.execute(
      db(),
    );
    expect(kept.rows[0]?.n).toBe(0);
    expect(
      await db()
        .selectFrom('location_settings')
        .select('location_id')
        .where('location_id', '=', LOCATION_ID)
        .executeTakeFirst(),
    ).toBeTruthy();
  });

  it('runs once per slot however many instances tick', async () => {
    stack.clock.advance(RETENTION_SLOT_MS);
    const now = stack.clock.now();
    const ticks = await Promise.all([
      retentionTick(db(), now),
      retentionTick(db(), now),
      retentionTick(db(), new Date(now.getTime() + 1000)),
    ]);
    expect(ticks.filter(Boolean)).toHaveLength(1);
    const jobs = await db().selectFrom('jobs').select('unique_key').where('kind', '=', RETENTION_JOB).execute();
    expect(new Set(jobs.map((j) => j.unique_key)).size).toBe(jobs.length);
  });
});
