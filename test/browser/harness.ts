/** The settings page inside the sandbox's GHL shell, in Debian's chromium, for the browser tests. */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const CHROMIUM_MISSING = `Chromium not found at ${CHROMIUM}: install it with apt-get install chromium; browser tests did not run`;
export const SCREENSHOTS = new URL('../../test-artifacts/screenshots/', import.meta.url);

/** `extraArgs`: e.g. `--host-resolver-rules` to serve the sandbox's GHL page under a white-label host name. */
export function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Opens the GHL page and waits until the embedded settings page finished its handshake and loaded. */
export async function openApp(page: Page, ghlUrl: string): Promise<Frame> {
  await page.goto(ghlUrl);
  return appFrame(page);
}

export async function appFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('iframe#app');
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('the GHL page has no app frame');
  await frame.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return frame;
}

/** Screenshots of the given elements of the app frame, at the page's current width. */
export async function shoot(page: Page, frame: Frame, width: number, ids: string[], suffix = ''): Promise<string[]> {
  await mkdir(SCREENSHOTS, { recursive: true });
  // A tall window makes the frame tall, so each card is captured whole, clear of the sticky bars.
  await page.setViewportSize({ width, height: 7000 });
  const paths: string[] = [];
  for (const id of ids) {
    const path = new URL(`${width}-${id}${suffix}.png`, SCREENSHOTS).pathname;
    await frame.locator(`#${id}`).screenshot({ path, animations: 'disabled' });
    paths.push(path);
  }
  await page.setViewportSize({ width, height: 900 });
  if (suffix === '') {
    const shell = new URL(`${width}-ghl-page-${ids[0]}.png`, SCREENSHOTS).pathname;
    await page.screenshot({ path: shell });
    paths.push(shell);
  }
  return paths;
}
