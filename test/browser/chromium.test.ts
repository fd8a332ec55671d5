/**
 * The browser tests skip themselves when Chromium is absent; this file says so plainly instead of letting them
 * vanish from the count: a failure under CI (`.ci/run` sets CI=true and installs chromium), a warning locally.
 */
import { describe, it } from 'vitest';
import { CHROMIUM_MISSING as MISSING, hasChromium } from './harness.js';

const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

describe('the browser tests', () => {
  it('find Chromium, so they run (CI fails without it, a local run warns)', (ctx) => {
    if (hasChromium) return;
    if (inCi) throw new Error(MISSING);
    console.warn(`\n*** WARNING: ${MISSING} ***\n`);
    ctx.skip(MISSING);
  });
});
