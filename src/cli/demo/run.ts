import { computeRevenue, revenueLine } from '../../reporting/revenue.js';
import { LOCATION_ID } from '../../sandbox/seed.js';
import type { DemoArgs } from './args.js';
import { checkOutcomes, printChecks } from './checks.js';
import { DemoClock } from './clock.js';
import { play } from './driver.js';
import { applySettings, demoSettings, installThroughOAuth } from './install.js';
import { nyDayTime, Output } from './output.js';
import { outcomesBySource, printOutcomes } from './outcomes.js';
import { buildScenario, type CallerKey, DEMO_END, DEMO_START, type ScenarioContext } from './scenario.js';
import { SHARED_SECRET, type DemoStack, startDemoStack } from './stack.js';
import { formatPhone, Timeline } from './timeline.js';

function printUrls(out: Output, stack: DemoStack): void {
  out.line(
    `  GHL sub-account with Ringback's settings page: ${out.c.cyan(`${stack.sandbox.url}/location/${LOCATION_ID}/ringback`)}`,
  );
  out.line(`  Ringback:                                     ${out.c.cyan(stack.url)}`);
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

/** The whole demo; resolves with the exit code. */
export async function runDemo(args: DemoArgs, signal: AbortSignal, out = new Output(process.stdout)): Promise<number> {
  const { c } = out;
  const clock = new DemoClock(DEMO_START, args.speed);
  out.line(
    c.bold(`Ringback demo: a day of missed calls at Bright Smile Dental (New York), product time ×${args.speed}`),
  );
  out.line(c.dim('Starting the GHL sandbox and Ringback on an in-memory Postgres (PGlite)…'));
  const stack = await startDemoStack({ clock, verbose: args.verbose });
  try {
    const { sandbox, rt } = stack;
    const db = rt.db.db;
    await installThroughOAuth(stack.url, LOCATION_ID);
    const via = await applySettings({
      appUrl: stack.url,
      sharedSecret: SHARED_SECRET,
      db,
      settings: demoSettings(),
      now: clock.now(),
    });
    out.line(
      `Installed through GHL's OAuth flow; settings saved ${via === 'api' ? 'through PUT /api/settings' : 'into location_settings (no settings API yet)'}.`,
    );
    printUrls(out, stack);
    out.line(
      c.dim(`phone: what callers and reps do · GHL: what GHL received from Ringback · note: waits, skips and outcomes`),
    );
    out.line();
    const contacts = new Map<CallerKey, string>();
    const nameOf = (contactId: string | undefined, phone?: string | null) => {
      const contact = contactId ? sandbox.store.contact(contactId) : undefined;
      const number = contact?.phone ?? phone;
      return contact?.name || (number ? formatPhone(number) : contactId) || 'unknown caller';
    };
    const tickDigest = () =>
      rt.tickDigest().catch((err: unknown) => out.line(c.red(`digest tick failed: ${String(err)}`)));
    const ctx: ScenarioContext = { sandbox, contacts, nameOf, tickDigest };
    await play({
      db,
      clock,
      out,
      timeline: new Timeline(sandbox, db, nameOf),
      actions: buildScenario(),
      ctx,
      start: DEMO_START,
      end: DEMO_END,
      speed: args.speed,
      tickDigest,
      wakeWorker: () => rt.worker.wake(),
      signal,
    });
    out.endProgress();
    if (signal.aborted) return 130;

    out.line();
    out.line(c.bold(`Outcomes at ${nyDayTime(clock.now())} (from Ringback's runs and missed_calls)`));
    printOutcomes(out, await outcomesBySource(db, LOCATION_ID));
    const revenue = await computeRevenue(db, {
      locationId: LOCATION_ID,
      since: new Date(clock.now().getTime() - 7 * 86_400_000),
      until: clock.now(),
    });
    const line = revenueLine(revenue);
    out.line(c.bold(`${line.charAt(0).toUpperCase()}${line.slice(1)}`));
    out.line();
    const checks = await checkOutcomes(sandbox, db, contacts);
    const failed = checks.filter((x) => !x.ok).length;
    out.line(c.bold(`Expected outcomes: ${checks.length - failed} of ${checks.length}`));
    printChecks(out, checks);
    out.line();
    printUrls(out, stack);
    if (args.exit) return failed ? 1 : 0;

    // Keep serving in real time from where the day ended: the settings page, its stats and test calls work.
    clock.release(1);
    const ticker = setInterval(() => void tickDigest(), 1_000);
    out.line(c.dim('Serving (product time now runs in real time). Ctrl-C to stop.'));
    await untilAborted(signal);
    clearInterval(ticker);
    out.line(c.dim('Stopping: closing Ringback and the sandbox.'));
    return failed ? 1 : 0;
  } finally {
    await stack.close();
  }
}
