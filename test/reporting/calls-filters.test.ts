/**
 * The call log's filters and its CSV export through the HTTP API: outcome, source, rep and local days, every
 * parameter checked, one location's calls only, and cells a spreadsheet cannot run as formulas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { authed, ghlUser, seedInstallation, startApi, tokenFor } from '../settings/api-helpers.js';
import { seedRun } from './seed.js';

let rt: Runtime;
let api: ReturnType<typeof authed>;
let other: ReturnType<typeof authed>;

// The clock reads 2026-01-05T15:00Z, 10:00 AM in New York.
beforeAll(async () => {
  ({ rt } = await startApi());
  const db = rt.db.db;
  await seedInstallation(db, { locationId: 'loc_f', timezone: 'America/New_York' });
  await seedInstallation(db, { locationId: 'loc_o', timezone: 'America/New_York' });
  ghlUser('loc_f', { userId: 'user_ana', userName: 'Ana Lopez' });
  ghlUser('loc_f', { userId: 'user_ben', userName: 'Ben Carter' });
  const fb = 'Facebook Ad Caller';
  // 9:00 AM on 5 January in New York.
  await seedRun(db, {
    locationId: 'loc_f',
    contactId: 'c1',
    startedAt: '2026-01-05T14:00:00Z',
    outcome: 'recovered',
    reason: 'booked',
    source: fb,
    assignedUserId: 'user_ana',
    followupAfterSec: 120,
    conversationId: 'conv_c1',
  });
  // 11:30 PM on 4 January in New York, though 5 January in UTC.
  await seedRun(db, {
    locationId: 'loc_f',
    contactId: 'c2',
    startedAt: '2026-01-05T04:30:00Z',
    outcome: 'lost',
    reason: 'sequence-ended',
    source: 'Website',
    assignedUserId: 'user_ben',
  });
  await seedRun(db, {
    locationId: 'loc_f',
    contactId: 'c3',
    startedAt: '2026-01-03T18:00:00Z',
    outcome: 'suppressed',
    reason: 'dnd',
    assignedUserId: 'user_gone',
  });
  await seedRun(db, { locationId: 'loc_f', contactId: 'c4', startedAt: '2026-01-05T14:40:00Z', source: fb });
  // Another location with the same source and rep: never in loc_f's answers.
  await seedRun(db, {
    locationId: 'loc_o',
    contactId: 'o1',
    startedAt: '2026-01-05T14:10:00Z',
    outcome: 'recovered',
    reason: 'booked',
    source: fb,
    assignedUserId: 'user_ana',
  });
  // Names and sources as GHL and owners may write them: quotes, and text a spreadsheet would run as a formula.
  const names: Record<string, string> = {
    c1: 'Jane "JJ" Cooper',
    c2: '=HYPERLINK("http://evil.example","click")',
    c3: '@SUM(A1:A9)',
    c4: '\tTabbed',
  };
  for (const [contactId, name] of Object.entries(names)) {
    await db.updateTable('runs').set({ contact_name: name }).where('contact_id', '=', contactId).execute();
  }
  await db.updateTable('missed_calls').set({ source_tag: '+Promo' }).where('contact_id', '=', 'c3').execute();
  await db.updateTable('missed_calls').set({ caller_number: '-1' }).where('contact_id', '=', 'c4').execute();
  api = authed(rt.app, await tokenFor(rt.app, 'loc_f'));
  other = authed(rt.app, await tokenFor(rt.app, 'loc_o'));
});
afterAll(async () => rt?.close());

async function contacts(query: string, as = api): Promise<string[]> {
  const res = await as.get(`/api/calls?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.calls.map((c: { contactId: string }) => c.contactId);
}

/** RFC 4180, as a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

async function csv(query: string, as = api): Promise<Record<string, string>[]> {
  const res = await as.get(`/api/calls.csv${query ? `?${query}` : ''}`).buffer(true);
  expect(res.status, res.text).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toBe('attachment; filename="missed-calls-2026-01-05.csv"');
  expect(res.text.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parseCsv(res.text.slice(1));
  return rows.map((r) => Object.fromEntries(r.map((v, i) => [header?.[i] ?? `?${i}`, v])));
}

describe('GET /api/calls filters', () => {
  it('by outcome, as the log words it', async () => {
    expect(await contacts('outcome=recovered')).toEqual(['c1']);
    expect(await contacts('outcome=lost')).toEqual(['c2']);
    expect(await contacts('outcome=suppressed')).toEqual(['c3']);
    expect(await contacts('outcome=in-progress')).toEqual(['c4']);
    expect(await contacts('')).toEqual(['c4', 'c1', 'c2', 'c3']);
  });

  it('by source and by rep, alone and together', async () => {
    expect(await contacts('source=Facebook%20Ad%20Caller')).toEqual(['c4', 'c1']);
    expect(await contacts('source=Website')).toEqual(['c2']);
    expect(await contacts('rep=user_ana')).toEqual(['c1']);
    expect(await contacts('rep=user_ben&outcome=recovered')).toEqual([]);
    expect(await contacts('source=Facebook%20Ad%20Caller&outcome=in-progress')).toEqual(['c4']);
  });

  it('by days in the location’s time zone, not UTC', async () => {
    expect(await contacts('from=2026-01-05&to=2026-01-05')).toEqual(['c4', 'c1']);
    expect(await contacts('from=2026-01-04&to=2026-01-04')).toEqual(['c2']);
    expect(await contacts('to=2026-01-04')).toEqual(['c2', 'c3']);
    expect(await contacts('from=2026-01-04')).toEqual(['c4', 'c1', 'c2']);
  });

  it('pages through filtered calls with the cursor', async () => {
    const first = await api.get('/api/calls?limit=1&from=2026-01-04');
    expect(first.body.calls.map((c: { contactId: string }) => c.contactId)).toEqual(['c4']);
    const second = await api.get(`/api/calls?limit=5&from=2026-01-04&cursor=${first.body.nextCursor}`);
    expect(second.body.calls.map((c: { contactId: string }) => c.contactId)).toEqual(['c1', 'c2']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers 400 {error:{code,message}} naming the bad parameter', async () => {
    const cases: [string, string][] = [
      ['outcome=won', 'outcome'],
      ['outcome=recovered&outcome=lost', 'outcome'],
      ['rep=user%20ana', 'rep'],
      ['source=a%0Ab', 'source'],
      [`source=${'x'.repeat(101)}`, 'source'],
      ['from=2026-02-30', 'from'],
      ['to=5%2F1%2F2026', 'to'],
      ['from=2026-01-05&to=2026-01-04', 'to'],
      ['from=2025-01-01&to=2026-01-05', 'to'],
      ['colour=red', 'colour'],
    ];
    for (const [query, param] of cases) {
      for (const path of ['/api/calls', '/api/calls.csv']) {
        const res = await api.get(`${path}?${query}`);
        expect(res.status, `${path}?${query}`).toBe(400);
        expect(res.body.error.code).toBe('BAD_REQUEST');
        expect(res.body.error.message).toMatch(new RegExp(`^${param} `));
      }
    }
    // Paging belongs to the list, not to the export.
    expect((await api.get('/api/calls.csv?limit=5')).status).toBe(400);
  });

  it('never shows another location’s calls, whatever the filters', async () => {
    expect(await contacts('source=Facebook%20Ad%20Caller&rep=user_ana', other)).toEqual(['o1']);
    expect(await contacts('rep=user_ana')).toEqual(['c1']);
    expect((await csv('', other)).map((r) => r['Caller'])).toEqual(['']);
    expect(await csv('')).toHaveLength(4);
  });
});

describe('GET /api/calls.csv', () => {
  it('writes each call in the owner’s words: local time with zone, names, formatted numbers, no ids', async () => {
    const rows = await csv('outcome=recovered');
    expect(rows).toEqual([
      {
        'Called at': '2026-01-05 9:00 AM EST',
        Caller: 'Jane "JJ" Cooper',
        Number: '(212) 555-0187',
        Source: 'Facebook Ad Caller',
        'Line dialled': '(555) 000-1111',
        Rep: 'Ana Lopez',
        Outcome: 'Recovered: booked an appointment',
        'First follow-up after': '2 min',
        'First human contact after': '',
        'Missed calls from this caller': '1',
        'High value': 'No',
        Voicemail: 'https://example.com/vm.mp3',
        'Contact in GHL': 'https://app.gohighlevel.com/v2/location/loc_f/contacts/detail/c1',
        'Conversation in GHL': 'https://app.gohighlevel.com/v2/location/loc_f/conversations/conversations/conv_c1',
      },
    ]);
  });

  it('applies the same filters as the list, and names reps GHL no longer lists without their ids', async () => {
    const day = await csv('from=2026-01-04&to=2026-01-04');
    expect(day.map((r) => [r['Called at'], r['Rep'], r['Outcome']])).toEqual([
      ['2026-01-04 11:30 PM EST', 'Ben Carter', 'Not recovered: no answer to any follow-up'],
    ]);
    const all = await csv('');
    expect(all.map((r) => r['Rep'])).toEqual(['Not assigned', 'Ana Lopez', 'Ben Carter', 'A former user']);
    expect(all[0]?.['Outcome']).toBe('In progress');
    expect(all[3]?.['Source']).toBe("'+Promo");
  });

  it('neutralises cells a spreadsheet would run as formulas, and escapes quotes', async () => {
    const res = await api.get('/api/calls.csv').buffer(true);
    expect(res.text).toContain('"\'=HYPERLINK(""http://evil.example"",""click"")"');
    expect(res.text).toContain('"Jane ""JJ"" Cooper"');
    const byCaller = (await csv('')).map((r) => r['Caller']);
    expect(byCaller).toEqual([
      "'\tTabbed",
      'Jane "JJ" Cooper',
      '\'=HYPERLINK("http://evil.example","click")',
      "'@SUM(A1:A9)",
    ]);
    expect((await csv('outcome=in-progress'))[0]?.['Number']).toBe("'-1");
  });
});
