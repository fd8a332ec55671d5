import type { WriteStream } from 'node:tty';

export const TIME_ZONE = 'America/New_York';

const dayTime = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const timeOnly = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `Mon 09:02` in New York time. */
export function nyDayTime(at: Date): string {
  return dayTime.format(at).replace(',', '');
}

/** `09:15` in New York time. */
export function nyTime(at: Date): string {
  return timeOnly.format(at);
}

type Paint = (text: string) => string;
export interface Colors {
  bold: Paint;
  dim: Paint;
  cyan: Paint;
  green: Paint;
  yellow: Paint;
  red: Paint;
  magenta: Paint;
}

function colors(on: boolean): Colors {
  const code = (open: number, close: number): Paint => (on ? (t) => `\x1b[${open}m${t}\x1b[${close}m` : (t) => t);
  return {
    bold: code(1, 22),
    dim: code(2, 22),
    cyan: code(36, 39),
    green: code(32, 39),
    yellow: code(33, 39),
    red: code(31, 39),
    magenta: code(35, 39),
  };
}

type Stream = NodeJS.WritableStream & Partial<Pick<WriteStream, 'isTTY' | 'hasColors' | 'columns'>>;

/**
 * Timeline lines with a progress bar under them. On a terminal the bar is redrawn in place and lines are
 * colored; elsewhere (CI, a pipe) the bar becomes a plain line every 10 %.
 */
export class Output {
  readonly tty: boolean;
  readonly c: Colors;
  #bar = '';
  #lastDecile = -1;
  #drawnAt = 0;

  constructor(private readonly stream: Stream) {
    this.tty = stream.isTTY === true;
    this.c = colors(this.tty && (stream.hasColors?.() ?? false));
  }

  line(text = ''): void {
    if (this.tty && this.#bar) this.stream.write('\r\x1b[2K');
    this.stream.write(`${text}\n`);
    if (this.tty && this.#bar) this.stream.write(this.#bar);
  }

  progress(fraction: number, label: string): void {
    const f = Math.min(1, Math.max(0, fraction));
    const pct = Math.floor(f * 100);
    if (!this.tty) {
      const decile = Math.floor(pct / 10);
      if (decile > this.#lastDecile) {
        this.#lastDecile = decile;
        this.stream.write(`progress ${String(decile * 10).padStart(3)}%  ${label}\n`);
      }
      return;
    }
    // A terminal needs no more than ten redraws a second.
    if (pct < 100 && Date.now() - this.#drawnAt < 100) return;
    this.#drawnAt = Date.now();
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 40));
    const filled = Math.round(f * width);
    const bar = `${this.c.green('█'.repeat(filled))}${this.c.dim('░'.repeat(width - filled))}`;
    const next = `\r\x1b[2K  ${bar} ${String(pct).padStart(3)}%  ${label}`;
    if (next === this.#bar) return;
    this.#bar = next;
    this.stream.write(next);
  }

  /** Leaves the bar as it stands and moves below it. */
  endProgress(): void {
    if (this.tty && this.#bar) this.stream.write('\n');
    this.#bar = '';
  }
}
