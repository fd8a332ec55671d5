import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCATION_ID, USERS } from '../../src/sandbox/seed.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';
import { hasChromium, launch, openApp, SCREENSHOTS, shoot } from './harness.js';

// The sections that hold settings; the test call (a dry run) and the carrier text (copy only) change nothing.
const SETTINGS = ['#sec-general', '#sec-sequence', '#sec-sources', '#sec-routing', '#sec-window'];

/** The settings controls of the frame, each with its name and whether it is disabled (a disabled fieldset counts). */
function controls(frame: Frame): Promise<{ name: string; disabled: boolean }[]> {
  return frame.evaluate(
    (sections) =>
      [
        ...document.querySelectorAll<HTMLElement>(
          sections.map((s) => `${s} :is(input, select, textarea, button)`).join(', '),
        ),
      ].map((el) => ({
        name: el.getAttribute('aria-label') ?? el.dataset['path'] ?? el.textContent?.trim() ?? el.tagName,
        disabled: el.matches(':disabled'),
      })),
    SETTINGS,
  );
}

describe.skipIf(!hasChromium)('the settings page for a rep who is not an admin', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ frameFromSandbox: true });
    expect((await installVia(stack, { locationId: LOCATION_ID })).status).toBe(200);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  // The sandbox's GHL page signs in the user named by ?userId=; GHL's users API confirms Ana is a rep ('user').
  const openAs = (userId: string) =>
    openApp(page, `${stack.sandbox.url}/location/${LOCATION_ID}/ringback?userId=${userId}`);

  it('shows every settings control disabled, one notice at the top, no save bar; the test call still runs', async () => {
    const frame = await openAs(USERS.ana);
    expect(await frame.textContent('#who')).toContain('Ana Lopez');
    const all = await controls(frame);
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((c) => !c.disabled).map((c) => c.name)).toEqual([]);
    // Controls of every kind, including the add, remove and reorder buttons of each step.
    for (const selector of [
      '[data-path="sequence[0].after"]',
      '[data-path="sequence[0].message"]',
      '[data-path="sequence[0].purpose"]',
      'button[aria-label="Remove step 2"]',
      '#sec-sequence select.wait-unit',
      '#sec-sequence select.variable-picker',
      '#sec-sequence button:has-text("+ Add text")',
      '#sec-sources button:has-text("Map this number")',
    ]) {
      expect(await frame.locator(selector).first().isDisabled(), selector).toBe(true);
    }
    expect(await frame.isVisible('#readonly-note')).toBe(true);
    expect(await frame.textContent('#readonly-note')).toContain('You can view these settings but not change them');
    expect(await frame.isHidden('#savebar')).toBe(true);
    expect(await frame.isHidden('#save-top')).toBe(true);
    expect(await frame.textContent('#status')).toBe('');

    await frame.click('#run-test-call');
    await frame.waitForSelector('#sec-test table');
    expect(await frame.textContent('#sec-test')).toContain('Would be sent');
    await shoot(page, frame, 1440, ['readonly-note', 'sec-sequence'], '-rep');
    await page.screenshot({ path: new URL('1440-ghl-page-readonly.png', SCREENSHOTS).pathname });
  });

  it('leaves an admin’s controls enabled, without the notice', async () => {
    const frame = await openAs(USERS.maya);
    expect(await frame.textContent('#who')).toContain('Maya Patel');
    const all = await controls(frame);
    expect(all.filter((c) => c.disabled).map((c) => c.name)).toEqual([]);
    expect(await frame.isHidden('#readonly-note')).toBe(true);
    expect(await frame.isVisible('#savebar')).toBe(true);
    await frame.fill('[data-path="sequence[0].after"]', '5');
    expect(await frame.textContent('#dirty-note')).toBe('You have unsaved changes');
    expect(await frame.isEnabled('#save')).toBe(true);
  });
});
