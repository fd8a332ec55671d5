import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPANY_ID, LOCATION_2_ID, LOCATION_ID } from '../../src/sandbox/seed.js';
import { saveTemplate } from '../../src/settings/company-template.js';
import { defaultSettings } from '../../src/core/settings/schema.js';
import { FAST_GHL, installVia, type Stack, startStack } from '../helpers/stack.js';
import { settleNames } from '../portfolio/helpers.js';
import { seedRun } from '../reporting/seed.js';
import { appFrame, hasChromium, launch, shoot } from './harness.js';

/** Text an agency owner must never see: GHL's ids and our internal codes. */
const INTERNAL =
  /\b(loc_|user_|comp_|booking-link|email-address|double-texting|test-call|slow-callbacks|low-recovery)|UTC/;

describe.skipIf(!hasChromium)('the agency view inside GHL at agency level', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ ghlOptions: { ...FAST_GHL, timeoutMs: 15_000 }, frameFromSandbox: true });
    expect((await installVia(stack, { company: true })).status).toBe(200);
    await settleNames(stack);
    // The booking links are not fetched from the internet here (reporting/link-probe.ts is tested on its own).
    stack.rt.deps.linkProbe = async () => ({ state: 'ok', status: 200 });
    const db = stack.rt.db.db;
    const now = stack.clock.now().getTime();
    for (let i = 0; i < 4; i++) {
      const startedAt = new Date(now - (i + 1) * 3_600_000).toISOString();
      await seedRun(db, {
        locationId: LOCATION_ID,
        contactId: `a${i}`,
        startedAt,
        outcome: 'recovered',
        reason: 'replied',
        followupAfterSec: 120,
        humanAfterSec: 600,
      });
      await seedRun(db, {
        locationId: LOCATION_2_ID,
        contactId: `b${i}`,
        startedAt,
        outcome: i === 0 ? 'recovered' : 'lost',
        followupAfterSec: 120,
        humanAfterSec: 4 * 3600,
      });
    }
    // Saved at 15:00 UTC: the owner in Denver reads 8:00 AM.
    await saveTemplate(db, {
      companyId: COMPANY_ID,
      expectedVersion: 0,
      settings: { ...defaultSettings(), sendWindow: { start: '09:00', end: '20:00', maxTouchesPer24h: 3 } },
      user: { userId: 'user_agency_owner', userName: 'Alex Morgan' },
      now: stack.clock.now(),
    });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'America/Denver' });
    // An agency install reads every sub-account from GHL; a loaded machine needs more than the default minute.
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function open(): Promise<Frame> {
    await page.goto(`${stack.sandbox.url}/agency/${COMPANY_ID}/ringback`);
    const frame = await appFrame(page);
    await frame.waitForSelector('#portfolio-table');
    return frame;
  }

  it('ranks the sub-accounts, says which fall behind and why, in the owner’s words and time zone', {
    timeout: 90_000,
  }, async () => {
    const frame = await open();
    expect(await frame.textContent('#who')).toBe('Agency view · Alex Morgan');
    const names = await frame.locator('#portfolio-table tbody .name').allTextContents();
    expect(names).toEqual(['Bright Smile Dental', 'Lakeside Plumbing']);
    // Neither has reps chosen or its numbers mapped yet (new installs); only Lakeside calls back slowly.
    const lake = frame.locator('#portfolio-table tbody tr.behind', { hasText: 'Lakeside Plumbing' });
    const smile = frame.locator('#portfolio-table tbody tr', { hasText: 'Bright Smile Dental' });
    expect(await smile.locator('.flags').textContent()).not.toContain('call back');
    const flags = await lake.locator('.flags').textContent();
    // The words of each sub-account's own setup checklist, with where to fix it.
    expect(flags).toContain('No rep is chosen: callback tasks are created for nobody.');
    expect(flags).toContain('Fix: Settings › Routing & escalation');
    expect(flags).toContain('Run a test call to see exactly what a caller would get, and when.');
    expect(flags).toContain('Half the callers wait more than 4 hours for a person to call back.');
    expect(await frame.textContent('#portfolio-summary')).toContain(
      '2 sub-accounts with Ringback: 8 missed calls, 62.5% of callers recovered in the last 7 days',
    );
    expect(await frame.textContent('#portfolio-table')).toContain('not measured yet');
    expect(await frame.textContent('#template-status')).toContain('8:00 AM');
    const text = await frame.evaluate(() => document.body.textContent ?? '');
    expect(text).not.toMatch(INTERNAL);
    await shoot(page, frame, 1440, ['portfolio']);

    await frame.click('button:has-text("Last 30 days")');
    await frame.waitForSelector('button[aria-pressed="true"]:has-text("Last 30 days")');
    expect(await frame.textContent('#portfolio-summary')).toContain('in the last 30 days');
  });

  it('copies the template to a chosen sub-account and says what happened', { timeout: 90_000 }, async () => {
    const frame = await open();
    await frame.locator('#portfolio-template label', { hasText: 'Lakeside Plumbing' }).locator('input').check();
    await frame.click('#copy-template');
    await frame.waitForSelector('#copy-result li');
    expect(await frame.textContent('#copy-result')).toBe('Lakeside Plumbing: settings copied');
    const [entry] = await stack.rt.db.db
      .selectFrom('settings_audit')
      .select(['via', 'changed_by_name'])
      .where('location_id', '=', LOCATION_2_ID)
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    expect(entry).toEqual({ via: 'agency template', changed_by_name: 'Alex Morgan' });
  });

  it('fits a phone (390 px): no sideways scrolling, every figure labelled', { timeout: 90_000 }, async () => {
    await page.setViewportSize({ width: 390, height: 900 });
    const frame = await open();
    const overflow = await frame.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const label = await frame.evaluate(() => {
      const cell = document.querySelector('#portfolio-table td[data-label="Recovered"]');
      return cell ? getComputedStyle(cell, '::before').content : '';
    });
    expect(label).toBe('"Recovered"');
    await shoot(page, frame, 390, ['portfolio']);
  });

  it('an agency user restricted to one sub-account sees only that one and no template', {
    timeout: 90_000,
  }, async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${stack.sandbox.url}/agency/${COMPANY_ID}/ringback?userId=user_agency_manager`);
    const frame = await appFrame(page);
    expect(await frame.locator('#portfolio-table tbody .name').allTextContents()).toEqual(['Lakeside Plumbing']);
    expect(await frame.locator('#portfolio-template').count()).toBe(0);
  });
});
