/**
 * Every statement the service sends (BEGIN and COMMIT included) is one round trip: counted for the report. The
 * service imports this first, and so does its worker thread (jobs/thread-host.ts, `preload`), whose pg module is
 * its own: `commands.roundTrips` answers the thread's count.
 */
import pg from 'pg';
import { noteStatement } from './sql-profile.js';

let roundTrips = 0;
const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const query = proto.query;
// BENCH_TRACE_SQL=1 writes each statement's first line to the service log: what a step or a webhook costs.
const trace = process.env['BENCH_TRACE_SQL'] === '1';
// BENCH_PROFILE_SQL=1 (PGlite): CPU per statement (sql-profile.ts).
const sqlProfile = process.env['BENCH_PROFILE_SQL'] === '1';
proto.query = function (this: unknown, ...args: unknown[]) {
  roundTrips += 1;
  if (trace || sqlProfile) {
    const first = args[0];
    const text =
      typeof first === 'string'
        ? first
        : typeof first === 'object' && first && 'text' in first
          ? String(first.text)
          : '?';
    if (sqlProfile) noteStatement(text);
    if (trace) process.stderr.write(`${new Date().toISOString()} sql ${text.replace(/\s+/g, ' ').slice(0, 140)}\n`);
  }
  return Reflect.apply(query, this, args);
};

export const commands = { roundTrips: () => roundTrips };
