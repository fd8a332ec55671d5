/**
 * The call log's filters and CSV export in real Chromium inside the sandbox's GHL frame, at 1440 and 390 wide:
 * the owner filters by what happened, source, rep and days (the location's zone) with labelled controls reached
 * by keyboard, and "Export CSV" downloads the calls the filters show, through the page's bearer session.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCATION_ID, TRACKING_NUMBERS, USERS } from '../../src/sandbox/seed.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';
import { seedRun } from '../reporting/seed.js';
import { authed, tokenFor } from '../settings/api-helpers.js';
import { hasChromium, launch, openApp, shoot } from './harness.js';

describe.skipIf(!hasChromium)('the call log: filters and CSV export', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack({ frameFromSandbox: true });
    expect((await installVia(stack, { locationId: LOCATION_ID })).status).toBe(200);
    const admin = authed(stack.rt.app, await tokenFor(stack.rt.app, LOCATION_ID, { userId: USERS.maya }));
    const current = await admin.get('/api/settings');
    const sources = [
      { trackingNumber: TRACKING_NUMBERS.facebook, tag: 'Facebook Ad Caller' },
      { trackingNumber: TRACKING_NUMBERS.website, tag: 'Website Line' },
    ];
    const saved = await admin
      .put('/api/settings')
      .set('If-Match', current.headers.etag ?? '')
      .send({ ...current.body, sources });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const db = stack.rt.db.db;
    const leads = [
      // 8:00 AM on 5 January in New York.
      { contactId: 'con_jane', name: 'Jane Cooper', startedAt: '2026-01-05T13:00:00Z', outcome: 'recovered' as const },
      // 3:00 PM on 4 January in New York.
      { contactId: 'con_marcus', name: 'Marcus Lee', startedAt: '2026-01-04T20:00:00Z', outcome: 'lost' as const },
      { contactId: 'con_priya', name: 'Priya Shah', startedAt: '2026-01-05T14:00:00Z', outcome: null },
    ];
    for (const l of leads) {
      await seedRun(db, {
        locationId: LOCATION_ID,
        contactId: l.contactId,
        startedAt: l.startedAt,
        outcome: l.outcome,
        reason: l.outcome === 'recovered' ? 'booked' : l.outcome === 'lost' ? 'sequence-ended' : undefined,
        source: l.contactId === 'con_marcus' ? 'Website Line' : 'Facebook Ad Caller',
        assignedUserId: l.contactId === 'con_marcus' ? USERS.ben : USERS.ana,
        followupAfterSec: 120,
        conversationId: `conv_${l.contactId}`,
      });
      await db.updateTable('runs').set({ contact_name: l.name }).where('contact_id', '=', l.contactId).execute();
    }
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function open(width: number): Promise<{ page: Page; frame: Frame; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const frame = await openApp(page, stack.sandbox.url);
    await frame.click('#tab-btn-dashboard');
    await frame.waitForSelector('#calls-filters');
    await expectCallers(frame, ['Priya Shah', 'Jane Cooper', 'Marcus Lee']);
    return { page, frame, errors };
  }

  async function expectCallers(frame: Frame, names: string[]) {
    await frame.waitForFunction(
      (n) =>
        [...document.querySelectorAll('#calls-list .call .call-who strong')].map((e) => e.textContent).join('|') === n,
      names.join('|'),
      { timeout: 10_000 },
    );
  }

  for (const width of [1440, 390]) {
    it(`filters by what happened, source, rep and local days, in the owner's words (${width})`, async () => {
      const { page, frame, errors } = await open(width);
      // Every control is labelled, and the options are words and names: no codes, no user ids.
      for (const name of ['outcome', 'source', 'rep', 'from', 'to']) {
        const id = await frame.getAttribute(`#calls-filters [name="${name}"]`, 'id');
        expect(await frame.locator(`label[for="${id}"]`).count(), name).toBe(1);
      }
      const optionText = (await frame.locator('#calls-filters option').allTextContents()).join(' | ');
      for (const words of [
        'Recovered',
        'Not recovered',
        'Not followed up',
        'In progress',
        'Ana Lopez',
        'Website Line',
      ]) {
        expect(optionText).toContain(words);
      }
      expect(optionText).not.toMatch(/user_|in-progress|suppressed/);

      await frame.selectOption('#calls-filters [name="outcome"]', { label: 'Recovered' });
      await expectCallers(frame, ['Jane Cooper']);
      expect(await frame.textContent('#calls-summary')).toBe('1 caller matches.');
      await frame.selectOption('#calls-filters [name="outcome"]', { label: 'Any outcome' });
      await frame.selectOption('#calls-filters [name="rep"]', { label: 'Ana Lopez' });
      await expectCallers(frame, ['Priya Shah', 'Jane Cooper']);
      await frame.selectOption('#calls-filters [name="source"]', { label: 'Website Line' });
      // The list is also empty while the filtered page loads: wait for the words that say nothing matched.
      await frame.waitForFunction(
        () => document.querySelector('#calls-list')?.textContent?.includes('No missed calls match these filters.'),
        null,
        { timeout: 10_000 },
      );
      await expectCallers(frame, []);
      await frame.click('#calls-clear');
      await expectCallers(frame, ['Priya Shah', 'Jane Cooper', 'Marcus Lee']);

      // 4 January in New York holds Marcus's call only (Jane's 13:00 UTC on the 5th is 8:00 AM there).
      await frame.fill('#calls-filters [name="from"]', '2026-01-04');
      await frame.fill('#calls-filters [name="to"]', '2026-01-04');
      await expectCallers(frame, ['Marcus Lee']);
      expect(await frame.textContent('#calls-filters')).toContain('New York time');
      // A last day before the first is said under the field, and the list is left as it was.
      await frame.fill('#calls-filters [name="from"]', '2026-01-05');
      expect(await frame.textContent('#calls-filters .error')).toBe('The last day is before the first day.');
      await expectCallers(frame, ['Marcus Lee']);
      await frame.fill('#calls-filters [name="to"]', '2026-01-05');
      await expectCallers(frame, ['Priya Shah', 'Jane Cooper']);
      expect(await frame.textContent('#calls-filters .error')).toBe('');

      // The lead links to its contact and its conversation in GHL.
      const jane = frame.locator('#calls-list .call', { hasText: 'Jane Cooper' });
      await jane.locator('.call-head').click();
      const href = await jane.locator('a', { hasText: 'Open the conversation' }).getAttribute('href');
      expect(href).toBe(
        `https://app.gohighlevel.com/v2/location/${LOCATION_ID}/conversations/conversations/conv_con_jane`,
      );

      // The filters fit the card at this width: nothing sticks out sideways.
      const overflow = await frame.evaluate(() => {
        const form = document.querySelector('#calls-filters') as HTMLElement;
        return form.scrollWidth - form.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      await shoot(page, frame, width, ['dash-calls'], '-filtered');
      expect(errors).toEqual([]);
      await page.close();
    });

    it(`"Export CSV", reached by keyboard, downloads the calls the filters show (${width})`, async () => {
      const { page, frame, errors } = await open(width);
      await frame.focus('#calls-filters [name="source"]');
      await page.keyboard.press('ArrowDown'); // "Facebook Ad Caller", the first source
      await expectCallers(frame, ['Priya Shah', 'Jane Cooper']);
      await frame.focus('#calls-clear');
      await page.keyboard.press('Tab');
      expect(await frame.evaluate(() => document.activeElement?.id)).toBe('calls-export');
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      expect(download.suggestedFilename()).toMatch(/^missed-calls-\d{4}-\d{2}-\d{2}\.csv$/);
      const text = await readFile((await download.path()) ?? '', 'utf8');
      const lines = text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toContain('"Called at","Caller","Number","Source"');
      expect(lines.slice(1)).toHaveLength(2);
      expect(lines[1]).toContain('"2026-01-05 9:00 AM EST","Priya Shah","(212) 555-0187","Facebook Ad Caller"');
      expect(lines[2]).toContain('"Jane Cooper"');
      expect(lines[2]).toContain('"Ana Lopez","Recovered: booked an appointment","2 min"');
      expect(text).not.toContain('Marcus');
      await frame.waitForSelector('#status .toast');
      expect(await frame.textContent('#status')).toContain('Downloaded missed-calls-');
      await shoot(page, frame, width, ['dash-calls'], '-exported');
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
