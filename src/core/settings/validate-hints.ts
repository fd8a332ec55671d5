/**
 * What an owner most often types where the document wants a strict form, explained with the value to write:
 * "8am" for a time (HH:MM), "book.brightsmile.com" for a link (https://…). The settings page normalises these as
 * they are typed; an API client gets the suggestion in the 400's message instead of a bare "must be HH:MM".
 */
import { normaliseClock } from '../shared/clock-text.js';
import { normaliseLink } from '../shared/link-text.js';

const CLOCK_PATHS = new Set(['sendWindow.start', 'sendWindow.end', 'digest.at']);

/** The problem's message with the value to write, when the value is one of the usual near misses. */
export function withHint(problem: { path: string; message: string }, value: unknown): string {
  if (typeof value !== 'string') return problem.message;
  if (CLOCK_PATHS.has(problem.path)) {
    const clock = normaliseClock(value);
    if (clock && clock !== value) return `${problem.message}: write "${value.trim()}" as ${clock}`;
  }
  if (problem.path === 'bookingLink') {
    const link = normaliseLink(value);
    if (link && link !== value.trim()) return `${problem.message}: did you mean ${link}?`;
  }
  return problem.message;
}
