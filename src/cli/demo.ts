/**
 * `npm run demo`: one command, no server, no credentials. Starts the GHL sandbox and Ringback on an in-memory
 * database, installs through OAuth, and plays a day of missed calls on an accelerated clock (src/cli/demo/).
 */
import { parseArgs, USAGE } from './demo/args.js';
import { runDemo } from './demo/run.js';

const args = parseArgs(process.argv.slice(2));
if ('error' in args) {
  process.stderr.write(`${args.error}\n\n${USAGE}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const stop = new AbortController();
// The first Ctrl-C closes both servers cleanly; a second one (default handler) ends at once.
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

try {
  const code = await runDemo(args, stop.signal);
  process.exit(code);
} catch (err) {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
