import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { groupCommit } from '../../src/webhooks/group-commit.js';
import { type IncomingWebhook, storeWebhooks } from '../../src/webhooks/inbox.js';
import { useWebhookRuntime } from '../helpers/webhook-runtime.js';

const clock = new ManualClock('2026-01-05T15:00:00Z');
const live = useWebhookRuntime(clock);

const db = () => live.rt.db.db;

/** A missed call as GHL posts it; `extra` is spliced into the JSON text as is (numbers JSON.stringify cannot write). */
function eventText(webhookId: string, extra = ''): string {
  const call = {
    type: 'InboundMessage',
    locationId: 'loc_batch',
    contactId: `con_${webhookId}`,
    messageType: 'CALL',
    direction: 'inbound',
    status: 'no-answer',
  };
  return `${JSON.stringify({ ...call, webhookId, timestamp: clock.now().toISOString() }).slice(0, -1)}${extra}}`;
}

async function post(raw: string): Promise<{ status: number; body: unknown }> {
  const bytes = Buffer.from(raw);
  const res = await fetch(`${live.rt.url}/webhooks/ghl`, {
    method: 'POST',
    body: new Uint8Array(bytes),
    headers: { 'content-type': 'application/json', ...live.signer.headers(bytes, 'ed25519') },
  });
  return { status: res.status, body: await res.json() };
}

async function rowsOf(ids: string[]) {
  const { rows } = await sql<{ webhook_id: string; tx: string; body: Record<string, unknown> }>`
    select webhook_id, xmin::text as tx, body from webhook_inbox where webhook_id = any(${ids})`.execute(db());
  return rows;
}
async function jobCount(ids: string[]): Promise<number> {
  const keys = ids.map((id) => `webhook:${id}`);
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from jobs where unique_key = any(${keys})`.execute(db());
  return rows[0]?.n ?? 0;
}

function incoming(webhookId: string, body = eventText(webhookId)): IncomingWebhook {
  return {
    webhookId,
    type: 'InboundMessage',
    locationId: 'loc_batch',
    body,
    signatureKind: 'ed25519',
    receivedAt: clock.now(),
  };
}

describe('webhook ingestion under concurrency (group commit)', () => {
  it('acknowledges 80 concurrent webhooks each only once its row is committed, stores each once with one job, in fewer commits than webhooks', async () => {
    const ids = Array.from({ length: 80 }, (_, i) => `gc-concurrent-${i}`);
    // A table lock keeps the first insert in flight until every request has arrived, as a busy database
    // would: they must queue and go together (PGlite otherwise answers before the next one arrives).
    let arrived = 0;
    const count = () => {
      arrived += 1;
    };
    live.rt.server?.on('request', count);
    const held = db()
      .transaction()
      .execute(async (trx) => {
        await sql`lock table webhook_inbox in share row exclusive mode`.execute(trx);
        while (arrived < ids.length) await new Promise((resolve) => setTimeout(resolve, 10));
        // Their bodies are read and verified within milliseconds of arriving.
        await new Promise((resolve) => setTimeout(resolve, 200));
      });
    const visibleAtAck = await Promise.all(
      ids.map(async (id) => {
        const res = await post(eventText(id));
        // Read as soon as the answer arrives: a row acknowledged before its commit would not be there yet.
        const rows = await rowsOf([id]);
        return { status: res.status, body: res.body, visible: rows.length };
      }),
    );
    await held;
    live.rt.server?.off('request', count);
    expect(visibleAtAck.every((a) => a.status === 200 && a.visible === 1)).toBe(true);
    expect(visibleAtAck.every((a) => JSON.stringify(a.body) === '{"ok":true,"duplicate":false}')).toBe(true);
    const rows = await rowsOf(ids);
    expect(rows).toHaveLength(80);
    expect(await jobCount(ids)).toBe(80);
    // Rows inserted by one transaction share its xmin: the first arrivals, then the queue in one or a few batches.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(10);
  });

  it('the same webhookId delivered 20 times at once: one answer stored, 19 duplicates, one row, one job', async () => {
    const raw = eventText('gc-same');
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(raw)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const stored = answers.filter((a) => JSON.stringify(a.body) === '{"ok":true,"duplicate":false}');
    expect(stored).toHaveLength(1);
    expect(await rowsOf(['gc-same'])).toHaveLength(1);
    expect(await jobCount(['gc-same'])).toBe(1);
  });

  it('a batch with a webhookId twice and one already stored: the first of each is stored, the rest are duplicates', async () => {
    await storeWebhooks(db(), [incoming('gc-old')]);
    const results = await storeWebhooks(db(), [
      incoming('gc-b', eventText('gc-b', ',"copy":1')),
      incoming('gc-a'),
      incoming('gc-b', eventText('gc-b', ',"copy":2')),
      incoming('gc-old'),
    ]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false, true, true]);
    expect((await rowsOf(['gc-b']))[0]?.body['copy']).toBe(1);
    expect(await jobCount(['gc-a', 'gc-b', 'gc-old'])).toBe(3);
  });

  it('a batch holding a body Postgres refuses: the others are stored, the refused one fails and stores nothing', async () => {
    const store = groupCommit((b: readonly IncomingWebhook[]) => storeWebhooks(db(), b), {
      maxBatch: 50,
      maxInFlight: 1,
      timeoutMs: 5_000,
    });
    // Submitted in one turn of the event loop: one batch, which the poison fails.
    const poison = incoming('gc-poison', eventText('gc-poison', ',"n":1e1000000'));
    const outcomes = await Promise.all(
      [incoming('gc-p1'), poison, incoming('gc-p2'), incoming('gc-p3')].map((w) =>
        store(w).then(
          (r) => (r.duplicate ? 'duplicate' : 'stored'),
          () => 'failed',
        ),
      ),
    );
    expect(outcomes).toEqual(['stored', 'failed', 'stored', 'stored']);
    expect((await rowsOf(['gc-p1', 'gc-p2', 'gc-p3', 'gc-poison'])).map((r) => r.webhook_id).sort()).toEqual([
      'gc-p1',
      'gc-p2',
      'gc-p3',
    ]);
    expect(await jobCount(['gc-poison'])).toBe(0);
  });

  it('over HTTP, a refused body among 30 concurrent webhooks answers 429 alone; every 200 is a stored row', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `gc-mixed-${i}`);
    const [bad, ...good] = await Promise.all([
      post(eventText('gc-mixed-poison', ',"n":1e1000000')),
      ...ids.map((id) => post(eventText(id))),
    ]);
    expect(bad?.status).toBe(429);
    expect(good.map((a) => a.status)).toEqual(ids.map(() => 200));
    expect(await rowsOf([...ids, 'gc-mixed-poison'])).toHaveLength(30);
    expect(await jobCount(ids)).toBe(30);
  });
});
