import { AcceleratedClock, type Clock } from '../../clock.js';

/**
 * The demo's product time: an AcceleratedClock that never runs past a gate. The driver sets the gate to the
 * earliest work due (a job, a scripted call), so time stops there until that work is done and every step lands
 * at its exact minute, however fast the demo runs. Time never goes backwards.
 */
export class DemoClock implements Clock {
  #speed: number;
  #running: AcceleratedClock | null = null;
  #last: number;
  #gate: number;

  constructor(start: Date, speed: number) {
    this.#speed = speed;
    this.#last = start.getTime();
    this.#gate = this.#last;
  }

  now(): Date {
    if (this.#running) {
      const t = this.#running.now().getTime();
      if (t >= this.#gate) {
        this.#last = Math.max(this.#last, this.#gate);
        this.#running = null;
      } else {
        this.#last = Math.max(this.#last, t);
      }
    }
    return new Date(this.#last);
  }

  /** True while time stands at the gate, waiting for work. */
  get held(): boolean {
    this.now();
    return this.#running === null;
  }

  /** Lets time flow up to `gateMs` (never earlier than now) and stop there. */
  openUntil(gateMs: number): void {
    this.now();
    this.#gate = Math.max(gateMs, this.#last);
    if (!this.#running && this.#gate > this.#last)
      this.#running = new AcceleratedClock(new Date(this.#last), this.#speed);
  }

  /** No more gates: time runs on freely at `speed` (1 = real time) from where it stands. */
  release(speed: number): void {
    this.now();
    this.#speed = speed;
    this.#gate = Number.POSITIVE_INFINITY;
    this.#running = new AcceleratedClock(new Date(this.#last), speed);
  }
}
