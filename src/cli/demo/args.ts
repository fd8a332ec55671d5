export interface DemoArgs {
  /** Product time per wall time: 720 plays 24 h in 2 minutes. */
  speed: number;
  /** End once the day is played (CI): exit 0 only when every expected outcome happened. */
  exit: boolean;
  /** Ringback's logs (pino, stderr) at info instead of error. */
  verbose: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run demo -- [--speed N] [--exit] [--verbose]

Plays a day of missed calls at Bright Smile Dental through a local GoHighLevel sandbox and Ringback.
  --speed N   product time runs N times faster than real time (default 720: 24 h in 2 minutes)
  --exit      stop after the day (exit code 1 when an expected outcome did not happen); default keeps serving
  --verbose   Ringback's logs on stderr at info level`;

export function parseArgs(argv: readonly string[]): DemoArgs | { error: string } {
  const args: DemoArgs = { speed: 720, exit: false, verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (flag === '--exit') args.exit = true;
    else if (flag === '--verbose') args.verbose = true;
    else if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--speed') {
      const value = inline ?? argv[++i];
      const speed = Number(value);
      if (!Number.isFinite(speed) || speed < 1 || speed > 1_000_000)
        return { error: `--speed must be a number from 1 to 1000000, not ${value ?? 'nothing'}` };
      args.speed = speed;
    } else return { error: `unknown option ${arg}` };
  }
  return args;
}
