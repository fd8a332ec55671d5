/**
 * "Send this text to my phone" from the test call, in real Chromium inside the sandbox's GHL frame, at 1440 and
 * 390 wide: the admin picks a text, types their mobile and gets exactly the text the dry run shows, through GHL
 * (the sandbox records it); a rep is not offered it.
 */
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCATION_ID, USERS } from '../../src/sandbox/seed.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';
import { hasChromium, launch, openApp, shoot } from './harness.js';

describe.skipIf(!hasChromium)('send this text to my phone', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack({ frameFromSandbox: true });
    expect((await installVia(stack, { locationId: LOCATION_ID })).status).toBe(200);
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function openAs(userId: string, width: number): Promise<{ page: Page; frame: Frame; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const frame = await openApp(page, `${stack.sandbox.url}/location/${LOCATION_ID}/ringback?userId=${userId}`);
    await frame.click('#run-test-call');
    await frame.waitForSelector('#sec-test table');
    return { page, frame, errors };
  }

  // As typed, as the page says it back, as GHL keeps it.
  const phones: Record<number, [string, string, string]> = {
    1440: ['(917) 555-0148', '(917) 555-0148', '+19175550148'],
    390: ['646-555-0177', '(646) 555-0177', '+16465550177'],
  };

  for (const width of [1440, 390]) {
    it(`the admin gets the dry run's text on their own phone, through HighLevel (${width})`, async () => {
      const { page, frame, errors } = await openAs(USERS.maya, width);
      await frame.waitForSelector('#send-to-phone');
      // The text the dry run shows for the first text step is the one that goes.
      const shown = (await frame.locator('#sec-test tbody tr[data-kind="sms"] .bubble').first().textContent()) ?? '';
      expect(shown).toContain('Jane');
      // The text is readable at either width: on a phone each step stacks, its text as wide as the card.
      const bubble = await frame.locator('#sec-test tbody tr[data-kind="sms"] .bubble').first().boundingBox();
      const card = await frame.locator('#sec-test table').boundingBox();
      expect(bubble!.width).toBeGreaterThan(card!.width * (width < 640 ? 0.8 : 0.3));
      // Empty: said beside the button, nothing sent.
      await frame.click('#send-to-phone-button');
      expect(await frame.textContent('#send-to-phone-result')).toBe('Type your mobile number first.');
      const [typed, shownBack, e164] = phones[width] ?? ['', '', ''];
      // By keyboard: the number, then Enter submits.
      await frame.focus('#send-to-phone [name="to"]');
      await page.keyboard.type(typed);
      await page.keyboard.press('Enter');
      await frame.waitForFunction(() =>
        document.querySelector('#send-to-phone-result')?.textContent?.startsWith('Sent to'),
      );
      expect(await frame.textContent('#send-to-phone-result')).toContain(`Sent to ${shownBack}.`);
      const contact = stack.sandbox.store.contactByPhone(LOCATION_ID, e164);
      expect(contact?.tags).toEqual(['Ringback Test']);
      const texts = stack.sandbox.store
        .messages(LOCATION_ID, contact?.id)
        .filter((m) => m.direction === 'outbound' && m.messageType === 'TYPE_SMS');
      expect(texts.map((m) => m.body)).toEqual([shown]);
      await shoot(page, frame, width, ['sec-test'], '-sent-to-phone');
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('is not offered to a rep who is not an admin', async () => {
    const { page, frame, errors } = await openAs(USERS.ana, 1440);
    expect(await frame.locator('#send-to-phone').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
