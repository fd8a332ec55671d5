import { afterEach, describe, expect, it } from 'vitest';
import { findInstallation } from '../../src/ghl/token-store.js';
import { CALENDAR_ID, LOCATION_ID } from '../../src/sandbox/seed.js';
import { loadSettings } from '../../src/settings/store.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
afterEach(() => stack?.close());

async function page(): Promise<{ csp: string; origins: string }> {
  const res = await fetch(`${stack.url}/app`);
  const html = await res.text();
  const origins = /name="ringback-allowed-origins" content="([^"]*)"/.exec(html)?.[1] ?? '';
  return { csp: res.headers.get('content-security-policy') ?? '', origins };
}

describe('white-label agencies', () => {
  it("admits the INSTALL's white-label domain in frame-ancestors and the origin check, and moves the default booking link to it", async () => {
    stack = await startStack();
    const scheme = new URL(stack.url).protocol.slice(0, -1);
    expect((await installVia(stack, { locationId: LOCATION_ID })).status).toBe(200);
    const before = await loadSettings(stack.rt.db.db, LOCATION_ID);
    expect(before?.settings.bookingLink).toBe(`https://api.leadconnectorhq.com/widget/booking/${CALENDAR_ID}`);
    expect((await page()).csp).not.toContain('app.brightagency.example');

    await stack.sandbox.phone.install({ locationId: LOCATION_ID, whitelabel: { domain: 'App.BrightAgency.example' } });
    await stack.rt.worker.drain();
    expect(await findInstallation(stack.rt.db.db, LOCATION_ID)).toMatchObject({
      white_label_domain: 'app.brightagency.example',
    });
    // The page keeps its list for 30 s of product time.
    stack.clock.advance(31_000);
    const { csp, origins } = await page();
    expect(csp).toMatch(new RegExp(`frame-ancestors [^;]*${scheme}://app\\.brightagency\\.example`));
    expect(origins.split(' ')).toContain(`${scheme}://app.brightagency.example`);
    const after = await loadSettings(stack.rt.db.db, LOCATION_ID);
    expect(after?.settings.bookingLink).toBe(`https://app.brightagency.example/widget/booking/${CALENDAR_ID}`);

    // Uninstalled: its domain is no longer admitted.
    await stack.sandbox.phone.uninstall({ locationId: LOCATION_ID });
    await stack.rt.worker.drain();
    stack.clock.advance(31_000);
    expect((await page()).csp).not.toContain('brightagency');
  });

  it('builds the default booking link on the white-label domain when the INSTALL comes before the callback', async () => {
    stack = await startStack();
    const loc = stack.sandbox.addLocation({ name: 'Early Agency Office' });
    await stack.sandbox.phone.install({ locationId: loc.location.id, whitelabel: { domain: 'book.agency.example' } });
    await stack.rt.worker.drain();
    await installVia(stack, { locationId: loc.location.id });
    const settings = await loadSettings(stack.rt.db.db, loc.location.id);
    expect(settings?.settings.bookingLink).toBe(`https://book.agency.example/widget/booking/${loc.calendars[0]?.id}`);
    expect(settings?.version).toBe(1);
  });

  it('ignores a white-label domain that is not a host name, and installs all the same', async () => {
    stack = await startStack();
    expect((await installVia(stack, { locationId: LOCATION_ID })).status).toBe(200);
    await stack.sandbox.phone.install({
      locationId: LOCATION_ID,
      whitelabel: { domain: "evil.example; script-src 'unsafe-inline'" },
    });
    await stack.rt.worker.drain();
    expect(await findInstallation(stack.rt.db.db, LOCATION_ID)).toMatchObject({
      status: 'installed',
      white_label_domain: null,
    });
    stack.clock.advance(31_000);
    expect((await page()).csp).not.toContain('evil');
  });
});
