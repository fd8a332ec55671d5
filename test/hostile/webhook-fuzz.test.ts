import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { storableBody } from '../../src/webhooks/storable.js';
import { useWebhookRuntime } from '../helpers/webhook-runtime.js';
import { type FuzzCase, fuzzCases } from './fuzz-cases.js';

const REQUESTS = 2000;
const SEED = Number(process.env.FUZZ_SEED ?? 20260105);
const IN_FLIGHT = 8;

let url: string;
const clock = new ManualClock('2026-01-05T15:00:00Z');
const live = useWebhookRuntime(clock);

beforeAll(() => {
  url = live.rt.url!;
});

/** A real collection, so heap figures measure what is retained, not what is merely not yet collected. */
function collect(): void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') gc();
}

interface Answer {
  c: FuzzCase;
  status: number;
  text: string;
}

async function send(c: FuzzCase): Promise<Answer> {
  try {
    const res = await fetch(`${url}/webhooks/ghl`, {
      method: 'POST',
      body: new Uint8Array(c.body),
      headers: c.headers,
    });
    return { c, status: res.status, text: await res.text() };
  } catch (err) {
    // A 413 may close the connection before a 1 MB upload ends: the client then sees a reset, not the answer.
    if (c.body.length > 1_000_000) return { c, status: 413, text: '' };
    throw new Error(`${c.kind}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The inbox id the route gives an event: its webhookId, else the sha256 of its raw bytes. */
function inboxIdOf(c: FuzzCase): string | null {
  try {
    const text = c.body.toString('utf8');
    const parsed = storableBody(text, JSON.parse(text)).json;
    if (parsed && typeof parsed === 'object' && 'webhookId' in parsed && typeof parsed.webhookId === 'string') {
      return parsed.webhookId;
    }
  } catch {
    return null;
  }
  return `sha256:${createHash('sha256').update(c.body).digest('hex')}`;
}

describe('POST /webhooks/ghl under fuzzing', () => {
  it(`${REQUESTS} hostile requests: never a 5xx, nothing stored without a valid signature, memory flat`, {
    timeout: 60_000,
  }, async () => {
    const next = fuzzCases(live.signer, SEED, () => clock.now());
    const answers: Answer[] = [];
    const heap: number[] = [];
    let pending = new Set<Promise<void>>();
    for (let i = 0; i < REQUESTS; i++) {
      if (i === 500 || i === REQUESTS - 1) {
        await Promise.all(pending);
        pending = new Set();
        collect();
        heap.push(process.memoryUsage().heapUsed);
      }
      while (pending.size >= IN_FLIGHT) await Promise.race(pending);
      const p: Promise<void> = send(next())
        .then((a) => {
          answers.push(a);
        })
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await Promise.all(pending);

    const byStatus = answers.reduce<Record<string, number>>((acc, a) => {
      acc[a.status] = (acc[a.status] ?? 0) + 1;
      return acc;
    }, {});
    const serverErrors = answers
      .filter((a) => a.status >= 500)
      .map((a) => `${a.c.kind} ${a.status} ${a.text.slice(0, 200)}`);
    // The database is up: a 429 here would be a body it refuses, redelivered by GHL to the same end.
    const refusedSigned = answers.filter((a) => a.c.validSignature && a.status === 429).map((a) => a.c.kind);
    const acceptedUnsigned = answers.filter((a) => a.status < 300 && !a.c.validSignature).map((a) => a.c.kind);
    const unsignedNot401 = answers
      .filter((a) => !a.c.validSignature && a.c.body.length <= 1_000_000 && a.status !== 401)
      .map((a) => `${a.c.kind} ${a.status}`);
    const allowed = new Set(answers.filter((a) => a.c.validSignature && a.status === 200).map((a) => inboxIdOf(a.c)));
    const stored = await live.rt.db.db.selectFrom('webhook_inbox').select(['webhook_id']).execute();
    const storedWithoutSignature = stored.filter((r) => !allowed.has(r.webhook_id)).map((r) => r.webhook_id);
    const growthMb = ((heap[1] ?? 0) - (heap[0] ?? 0)) / 2 ** 20;
    console.log(
      JSON.stringify({
        hostile: 'webhook-fuzz',
        seed: SEED,
        requests: answers.length,
        byStatus,
        stored: stored.length,
        heapGrowthMb: Math.round(growthMb * 10) / 10,
      }),
    );

    expect(answers).toHaveLength(REQUESTS);
    expect(serverErrors).toEqual([]);
    expect(refusedSigned).toEqual([]);
    expect(acceptedUnsigned).toEqual([]);
    expect(unsignedNot401).toEqual([]);
    expect(storedWithoutSignature).toEqual([]);
    expect(stored.length).toBeGreaterThan(0);
    // Generous: 2,000 requests of up to 1 MB each must not leave more than a few MB behind.
    expect(growthMb).toBeLessThan(48);
    // Error answers are the JSON envelope, never a stack trace.
    for (const a of answers.filter((x) => x.status >= 400 && x.text !== '')) {
      expect(a.text).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|Error: /);
    }
  });
});
