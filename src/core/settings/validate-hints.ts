/**
 * What an owner most often types where the document wants a strict form, explained with the value to write:
 * "8am" for a time (HH:MM), "book.brightsmile.com" for a link (https://…). The settings page normalises these as
 * they are typed; an API client gets the suggestion in the 400's message instead of a bare "must be HH:MM".
 */
import { isHttpUrl } from './schema.js';

const CLOCK_PATHS = new Set(['sendWindow.start', 'sendWindow.end', 'digest.at']);

/** "8am" → "08:00", "8:30 pm" → "20:30", "9.15" → "09:15", "7" → "07:00"; null when it is not a time of day. */
export function normaliseClock(text: string): string | null {
  const m = /^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])?\.?\s*m?\.?\s*$/i.exec(text);
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const half = m[3]?.toLowerCase();
  if (half) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (half === 'p' ? 12 : 0);
  }
  if (hour > 24 || minute > 59 || (hour === 24 && minute > 0)) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** "book.brightsmile.com" → "https://book.brightsmile.com"; null when even that is not a link. */
export function normaliseLink(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '' || isHttpUrl(trimmed)) return trimmed;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !/^[^:/]+\.[^:/]+:\d/.test(trimmed)) return null;
  const guess = `https://${trimmed.replace(/^\/+/, '')}`;
  return isHttpUrl(guess) && new URL(guess).hostname.includes('.') ? guess : null;
}

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
