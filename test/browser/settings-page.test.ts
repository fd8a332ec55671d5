import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseClock } from '../../src/core/shared/clock-text.js';
import { formatDurationWords, parseDuration } from '../../src/core/shared/duration.js';
import { normaliseLink } from '../../src/core/shared/link-text.js';
import { defaultSettings } from '../../src/core/settings/schema.js';
import { validateSettings } from '../../src/core/settings/validate.js';
import { LOCATION_ID, USERS } from '../../src/sandbox/seed.js';
import { seedRun } from '../reporting/seed.js';
import { authed, tokenFor } from '../settings/api-helpers.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';
import { appFrame, hasChromium, launch, openApp, shoot } from './harness.js';

const SECTIONS = ['sec-general', 'sec-sequence', 'sec-sources', 'sec-routing', 'sec-window', 'sec-test'];

describe.skipIf(!hasChromium)('the settings page inside GHL', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let frame: Frame;

  beforeAll(async () => {
    stack = await startStack({ frameFromSandbox: true });
    // The sandbox plays GHL: its origin frames the page and answers REQUEST_USER_DATA.
    const installed = await installVia(stack, { locationId: LOCATION_ID });
    expect(installed.status).toBe(200);
    const db = stack.rt.db.db;
    await seedRun(db, {
      locationId: LOCATION_ID,
      contactId: 'con_jane_cooper',
      startedAt: '2026-01-05T13:00:00Z',
      outcome: 'recovered',
      reason: 'booked',
      source: 'Facebook Ad Caller',
      followupAfterSec: 120,
      humanAfterSec: 900,
      calls: [0, 20],
    });
    await seedRun(db, {
      locationId: LOCATION_ID,
      contactId: 'con_marcus_lee',
      startedAt: '2026-01-04T16:00:00Z',
      outcome: 'lost',
      reason: 'sequence-ended',
      source: 'Website Caller',
      followupAfterSec: 240,
    });
    await seedRun(db, {
      locationId: LOCATION_ID,
      contactId: 'con_tom_becker',
      startedAt: '2026-01-03T16:00:00Z',
      outcome: 'suppressed',
      reason: 'dnd',
    });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    frame = await openApp(page, stack.sandbox.url);
  });

  /** What the field holds once the owner has typed `text` and left it: the page's own reading of it. */
  const typeAndLeave = async (path: string, text: string) => {
    await frame.fill(`[data-path="${path}"]`, text);
    await frame.press(`[data-path="${path}"]`, 'Tab');
    return frame.inputValue(`[data-path="${path}"]`);
  };

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('completes the GHL handshake and shows the location’s settings and numbers', async () => {
    expect(await frame.textContent('#who')).toContain('Bright Smile Dental');
    // "Wait [2] [minutes]", not PT2M; no step ids on screen.
    expect(await frame.inputValue('[data-path="sequence[0].after"]')).toBe('2');
    expect(await frame.inputValue('#sec-sequence li.step >> nth=0 >> select.wait-unit')).toBe('minutes');
    expect(await frame.textContent('#sec-sequence')).not.toContain('apology-sms');
    expect(await frame.inputValue('[data-path="bookingLink"]')).toMatch(
      /^https:\/\/api\.leadconnectorhq\.com\/widget\/booking\//,
    );
    expect(await frame.textContent('#sec-sources')).toContain('4 of 4 not mapped');
    // The A2P campaign text for the owner, with the location's own first text as a sample.
    expect(await frame.textContent('#sec-a2p')).toContain('Carrier registration (A2P 10DLC)');
    expect(await frame.inputValue('#sec-a2p textarea[aria-label="Sample message 1"]')).toMatch(
      /^Hi Jane, it.s Bright Smile Dental/,
    );
    // Every control has a label (a <label>, or aria-label on icon-like buttons), so it is named for assistive tech.
    const unlabelled = await frame.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement>('input, select, textarea')]
        .filter((el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    for (const width of [1440, 1024]) await shoot(page, frame, width, SECTIONS);
  });

  it('saves a changed delay and message, and shows them after a reload', async () => {
    await frame.fill('[data-path="sequence[0].after"]', '5');
    await frame.fill(
      '[data-path="sequence[0].message"]',
      'Hi {{contact.firstName}}, this is Ringback. Book here: {{bookingLink}}',
    );
    await frame.waitForFunction(() =>
      document.querySelector('#sec-sequence .bubble')?.textContent?.startsWith('Hi Jane, this is Ringback.'),
    );
    expect(await frame.textContent('#dirty-note')).toBe('You have unsaved changes');
    await frame.click('#save');
    await frame.waitForSelector('#status .banner-ok');
    expect(await frame.textContent('#dirty-note')).toContain('All changes saved');

    await page.reload();
    frame = await appFrame(page);
    expect(await frame.inputValue('[data-path="sequence[0].after"]')).toBe('5');
    expect(await frame.inputValue('[data-path="sequence[0].message"]')).toBe(
      'Hi {{contact.firstName}}, this is Ringback. Book here: {{bookingLink}}',
    );
  });

  it('maps an unmapped GHL number to a source, re-sorts a step whose wait moves it later, and saves', async () => {
    await frame.click('#sec-sources tr[data-number="+15550001111"] button');
    await frame.fill('[data-path="sources[0].tag"]', 'Facebook Ad Caller');
    // Step 1 (the text at 5 minutes) now waits 30: it becomes step 2, after the task at 15, and keeps the focus.
    await frame.fill('[data-path="sequence[0].after"]', '30');
    await frame.press('[data-path="sequence[0].after"]', 'Tab');
    await frame.waitForFunction(
      () => document.querySelector('#sec-sequence li.step h3')?.textContent === 'Step 1 · Callback task',
    );
    expect(await frame.evaluate(() => document.activeElement?.getAttribute('data-path'))).toBe('sequence[1].after');
    await frame.click('#save');
    await frame.waitForSelector('#status .banner-ok');
    expect(await frame.textContent('#sec-sources')).toContain('3 of 4 not mapped');
    await shoot(page, frame, 1440, ['sec-sources'], '-mapped');
    const saved = await authed(stack.rt.app, await tokenFor(stack.rt.app, LOCATION_ID, { userId: USERS.maya })).get(
      '/api/settings',
    );
    expect(saved.body.sources).toEqual([
      { trackingNumber: '+15550001111', tag: 'Facebook Ad Caller', highValue: false, messages: {}, assignTo: [] },
    ]);
    expect(saved.body.sequence.map((s: { id: string }) => s.id)).toEqual([
      'callback-task',
      'apology-sms',
      'resources-email',
      'final-sms',
    ]);
  });

  it('shows a field error next to the field for a bad value, and saves nothing', async () => {
    await frame.fill('[data-path="sendWindow.end"]', '25:00');
    await frame.fill('[data-path="sequence[1].after"]', 'soon');
    expect(await frame.textContent('.field:has([data-path="sequence[1].after"]) .wait-problem')).toBe(
      'Write a whole number, such as 2.',
    );
    await frame.click('#save');
    await frame.waitForSelector('#error-summary:not([hidden])');
    const endField = frame.locator('.field:has([data-path="sendWindow.end"])');
    expect(await endField.getAttribute('class')).toContain('invalid');
    expect(await endField.locator('.error').textContent()).toMatch(/HH:MM/);
    const afterField = frame.locator('.field:has([data-path="sequence[1].after"])');
    expect(await afterField.locator('.error:not(.wait-problem)').textContent()).toBe(
      'write a whole number of minutes, hours or days',
    );
    expect(await frame.textContent('#error-summary')).toContain('2 problems');
    // Named as the owner sees the fields, not as JSON paths.
    expect(await frame.textContent('#error-summary')).toContain('Step 2 · Wait');
    expect(await frame.textContent('#error-summary')).toContain('Send window & digest · Window closes');
    expect(await frame.textContent('#error-summary')).not.toContain('sequence[1]');
    // The describedby link makes the message part of the input's accessible description.
    const describedBy = (await frame.getAttribute('[data-path="sendWindow.end"]', 'aria-describedby')) ?? '';
    expect(describedBy.split(' ').length).toBe(2);
    await shoot(page, frame, 1440, ['sec-window'], '-field-error');
    await frame.click('#discard');
    expect(await frame.inputValue('[data-path="sendWindow.end"]')).toBe('21:00');
  });

  it('warns before leaving with unsaved changes', async () => {
    await frame.fill('[data-path="digest.at"]', '09:00');
    const dialog = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.type());
        void d.dismiss();
      }),
    );
    void page.reload().catch(() => {});
    expect(await dialog).toBe('beforeunload');
    await frame.click('#discard');
  });

  it('offers a reload when someone else saved meanwhile (409)', async () => {
    // The same admin in another tab: GHL confirms her role (a rep's session could not save at all).
    const other = authed(
      stack.rt.app,
      await tokenFor(stack.rt.app, LOCATION_ID, { userId: USERS.maya, userName: 'Maya Patel' }),
    );
    const current = await other.get('/api/settings');
    const theirs = { ...current.body, digest: { enabled: true, at: '07:30', recipients: ['owner@example.com'] } };
    expect(
      (
        await other
          .put('/api/settings')
          .set('If-Match', current.headers.etag ?? '')
          .send(theirs)
      ).status,
    ).toBe(200);
    await frame.fill('[data-path="sendWindow.maxTouchesPer24h"]', '2');
    await frame.click('#save');
    await frame.waitForSelector('#conflict:not([hidden])');
    await frame.click('#reload-settings');
    await frame.waitForSelector('#conflict', { state: 'hidden' });
    expect(await frame.inputValue('[data-path="digest.at"]')).toBe('07:30');
    expect(await frame.inputValue('[data-path="sendWindow.maxTouchesPer24h"]')).toBe('3');
  });

  it("shows each step's purpose and the consent tag, and the law's floors next to the window", async () => {
    expect(await frame.inputValue('[data-path="sequence[0].purpose"]')).toBe('informational');
    expect(await frame.inputValue('[data-path="sequence[3].purpose"]')).toBe('marketing');
    expect(await frame.inputValue('[data-path="consent.tag"]')).toBe('SMS Consent');
    await frame.fill('[data-path="sendWindow.start"]', '07:00');
    const text = (await frame.textContent('#sec-window')) ?? '';
    expect(text).toContain('The window cannot open before 08:00');
    await frame.fill('[data-path="sendWindow.start"]', '08:00');
  });

  it('warns of the federal hours exactly where the server refuses the window', async () => {
    const refused = (start: string, end: string) => {
      const doc = {
        ...defaultSettings({ bookingLink: 'https://example.com/book' }),
        sendWindow: { start, end, maxTouchesPer24h: 3 },
      };
      const result = validateSettings(doc);
      return result.ok ? [] : result.problems.filter((p) => p.message.includes('federal law')).map((p) => p.path);
    };
    const warned = async () => {
      const text = (await frame.textContent('#sec-window')) ?? '';
      return [
        ...(text.includes('The window cannot open before') ? ['sendWindow.start'] : []),
        ...(text.includes('The window cannot close after') ? ['sendWindow.end'] : []),
      ];
    };
    const times = [
      '07:59',
      '08:00',
      '06:00',
      '00:00',
      '7am',
      '20:59',
      '21:00',
      '21:01',
      '9:30 pm',
      '23:59',
      '24:00',
      '',
    ];
    for (const [side, other] of [
      ['start', '21:00'],
      ['end', '08:00'],
    ] as const) {
      await frame.fill(`[data-path="sendWindow.${side === 'start' ? 'end' : 'start'}"]`, other);
      for (const text of times) {
        const value = await typeAndLeave(`sendWindow.${side}`, text);
        const [start, end] = side === 'start' ? [value, other] : [other, value];
        expect(await warned(), `${side} ${text}`).toEqual(refused(start, end));
      }
    }
    await frame.fill('[data-path="sendWindow.start"]', '08:00');
    await frame.fill('[data-path="sendWindow.end"]', '21:00');
  });

  it('reads a typed time as the server does: "8am" becomes 08:00, "25:00" stays for the server to refuse', async () => {
    const typed = ['8am', '8:30 pm', '20:00', 'noon', '25:00', '', '8', '08.30', '12am', '12:15pm', '9h15', ' 7 P.M.'];
    for (const text of typed)
      expect(await typeAndLeave('sendWindow.start', text), text).toBe(normaliseClock(text) ?? text);
    await frame.fill('[data-path="sendWindow.start"]', '08:00');
  });

  it('reads a typed link as the server does: https:// added to a bare domain, a port kept, other schemes left', async () => {
    const before = await frame.inputValue('[data-path="bookingLink"]');
    const typed = [
      'book.brightsmile.com',
      'book.x.com:8080/a',
      '//book.x.com',
      'https://x.com',
      'localhost:3000',
      'mailto:a@b.com',
      'javascript:alert(1)',
      'nodot',
      '',
      'www.x.com/book?y=1',
      'ftp://x.com',
    ];
    for (const text of typed) expect(await typeAndLeave('bookingLink', text), text).toBe(normaliseLink(text) ?? text);
    await frame.fill('[data-path="bookingLink"]', before);
  });

  it('reads a typed wait as the server does: it keeps what the server reads as the owner meant, and flags the rest', async () => {
    const path = 'highValue.callbackWithin';
    const unitSelect = `.field:has([data-path="${path}"]) select.wait-unit`;
    // What the page would save: its own state, read through the module the page itself loaded. A string, so that
    // vitest leaves its import() alone.
    const kept = (): Promise<string> =>
      frame.evaluate(`import('/app/assets/js/state.js').then((m) => m.state.doc.highValue.callbackWithin)`);
    const iso = { minutes: (n: string) => `PT${n}M`, hours: (n: string) => `PT${n}H`, days: (n: string) => `P${n}D` };
    const before = await kept();
    const typed = ['2', '15', '90', '0', '007', ' 7 ', '', 'abc', '-5', '1.5', '2 minutes', '15m', '2h', '1 day'];
    typed.push('PT2M', '90 min', '-5m', '1.5h', '1000000', '99999999999999999999');
    for (const [unit, write] of Object.entries(iso)) {
      await frame.selectOption(unitSelect, unit);
      for (const text of typed) {
        await typeAndLeave(path, text);
        const value = await kept();
        // The server has no reading of "2 minutes" or "15m": only the digits the box asks for make a duration.
        const meant = /^\d+$/.test(text.trim()) ? parseDuration(write(text.trim())) : null;
        expect(parseDuration(value), `${text} ${unit}`).toBe(meant);
        expect(await frame.isVisible(`.field:has([data-path="${path}"]) .wait-problem`), `${text} ${unit}`).toBe(
          meant === null,
        );
      }
    }
    // A stored wait is shown as the server reads it: the amount and unit, and the words of a step's name.
    const stored = ['PT2M', 'PT24H', 'P1D', 'PT0S', 'PT90M', 'P1W', 'PT45S', 'P1DT2H', 'PT1.5H', 'pt2m', 'P1M'];
    stored.push('PT99999999999999999999H', '');
    const UNIT_MS: Record<string, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
    const shown: { amount: string; unit: string; name: string }[] = await frame.evaluate(`
      Promise.all([import('/app/assets/js/wait.js'), import('/app/assets/js/steps.js')]).then(([wait, steps]) =>
        ${JSON.stringify(stored)}.map((after) => ({
          ...wait.splitDuration(after),
          name: steps.stepName([{ id: 'a', action: 'sms', after }], 'a', { when: true }),
        })))`);
    for (const [i, after] of stored.entries()) {
      const ms = parseDuration(after);
      const { amount, unit, name } = shown[i]!;
      expect(amount === '' ? null : Number(amount) * UNIT_MS[unit]!, after).toBe(ms);
      const words =
        ms === null ? '' : ms === 0 ? ', right after the call' : `, ${formatDurationWords(ms)} after the call`;
      expect(name, after).toBe(`Step 1 · Text message${words}`);
    }
    await frame.selectOption(unitSelect, 'minutes');
    await typeAndLeave(path, String((parseDuration(before) ?? 0) / 60_000));
    expect(await kept()).toBe(before);
  });

  it('runs a test call dry run', async () => {
    await frame.click('#run-test-call');
    await frame.waitForSelector('#sec-test table');
    const text = (await frame.textContent('#sec-test')) ?? '';
    expect(text).toContain('Facebook Ad Caller (+15550001111)');
    expect(text).toContain('Would be sent');
    // The callback task's due time, on the caller's clock, as the engine would set it.
    // In the owner's words: "Due Mon, Jan 5, 10:05 AM", no ISO dates or zone ids.
    expect(text).toMatch(/Due \w{3}, \w{3} \d{1,2}, \d{1,2}:\d{2} [AP]M/);
    await shoot(page, frame, 1440, ['sec-test'], '-result');
  });

  it('shows dashboard numbers that match the seeded calls, and a call’s timeline', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    // The session is an hour old by now: the page renews it through GHL's handshake and carries on.
    stack.clock.advance(61 * 60_000);
    const renewals: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/session')) renewals.push(r.url());
    });
    await frame.click('#tab-btn-dashboard');
    await frame.waitForSelector('#dash-kpis');
    expect(renewals.length).toBeGreaterThanOrEqual(1);
    const kpi = (key: string) => frame.textContent(`[data-kpi="${key}"] .value`);
    expect(await kpi('missed')).toBe('4');
    expect(await kpi('recovered')).toBe('33.3%');
    expect(await kpi('booked')).toBe('33.3%');
    expect(await kpi('ttf')).toBe('3 min');
    expect(await kpi('human')).toBe('15 min');
    expect(await frame.textContent('#dash-suppressed')).toContain('Do Not Disturb');
    expect(await frame.locator('#dash-chart svg rect.bar-missed').count()).toBe(7);
    await frame.waitForSelector('#dash-calls .call');
    // Four calls, three callers: Jane's two calls are one lead.
    expect(await frame.locator('#dash-calls .call').count()).toBe(3);
    const first = frame.locator('#dash-calls .call-head').first();
    await first.click();
    expect(await first.getAttribute('aria-expanded')).toBe('true');
    expect(await frame.locator('#dash-calls .call').first().textContent()).toContain('Open the contact in GHL');
    for (const width of [1440, 1024]) await shoot(page, frame, width, ['tab-dashboard']);
    await frame.click('button[data-days="30"]');
    await frame.waitForFunction(() => document.querySelectorAll('#dash-chart rect.bar-missed').length === 30);
    // Two tall screenshots and a session renewal: slow on a loaded machine, not stuck.
  }, 120_000);
});
