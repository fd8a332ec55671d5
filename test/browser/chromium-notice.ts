import { CHROMIUM_MISSING, hasChromium } from './harness.js';

/** Repeats, below vitest's summary where nobody misses it, that the browser tests did not run (chromium.test.ts). */
export default function chromiumNotice(): () => void {
  return () => {
    if (!hasChromium) process.stderr.write(`\n*** WARNING: ${CHROMIUM_MISSING} ***\n`);
  };
}
