/**
 * Time is a parameter: every module asks an injected clock, never `Date.now()`, so tests can drive a manual
 * clock and the demo an accelerated one.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; tests use it so nothing waits on a real timer. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string | number = '2026-01-05T15:00:00Z') {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): Date {
    this.#ms += ms;
    return this.now();
  }
  set(at: Date | string | number): void {
    this.#ms = new Date(at).getTime();
  }
}

/**
 * Product time running `speed` times faster than wall time from `start`; the demo plays a day in minutes.
 */
export class AcceleratedClock implements Clock {
  readonly #startMs: number;
  readonly #wallStart: number;
  constructor(
    start: Date,
    readonly speed: number,
  ) {
    this.#startMs = start.getTime();
    this.#wallStart = Date.now();
  }
  now(): Date {
    return new Date(this.#startMs + (Date.now() - this.#wallStart) * this.speed);
  }
}
