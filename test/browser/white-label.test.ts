import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCATION_ID } from '../../src/sandbox/seed.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';
import { appFrame, hasChromium, launch } from './harness.js';

// Both names resolve to the sandbox, which serves its GHL page under any host: only the admitted one may frame.
const AGENCY = 'app.brightagency.test';
const STRANGER = 'app.stranger.test';

describe.skipIf(!hasChromium)("the settings page inside a white-label agency's GHL", () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let port: string;

  beforeAll(async () => {
    stack = await startStack();
    port = new URL(stack.sandbox.url).port;
    expect((await installVia(stack, { locationId: LOCATION_ID })).status).toBe(200);
    // GHL's INSTALL for a white-labelled agency names its domain (here with the sandbox's port).
    await stack.sandbox.phone.install({ locationId: LOCATION_ID, whitelabel: { domain: `${AGENCY}:${port}` } });
    await stack.rt.worker.drain();
    stack.clock.advance(31_000);
    browser = await launch([`--host-resolver-rules=MAP ${AGENCY} 127.0.0.1, MAP ${STRANGER} 127.0.0.1`]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("loads framed from the agency's domain and completes the GHL handshake", async () => {
    await page.goto(`http://${AGENCY}:${port}/`);
    const frame = await appFrame(page);
    expect(await frame.locator('#who').textContent()).toContain('Bright Smile Dental');
  });

  it('does not load framed from a domain no install named', async () => {
    await page.goto(`http://${STRANGER}:${port}/`);
    const handle = await page.waitForSelector('iframe#app');
    await page.waitForTimeout(3_000);
    const frame = await handle.contentFrame();
    const ready = await frame?.evaluate(() => document.body?.dataset['ready']).catch(() => undefined);
    expect(ready).not.toBe('true');
  });
});
