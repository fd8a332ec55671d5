import { normalizePhone } from './area-codes.js';
import type { Settings, SourceSettings } from './settings/schema.js';

export const MISSED_CALL_TAG = 'Missed Call';
export const HIGH_VALUE_TAG = 'High Value Lead';

/** The tags a missed call puts on its contact: the line's source, Missed Call, and High Value Lead. */
export function attributionTags(sourceTag: string | null, highValue: boolean): string[] {
  return [sourceTag, MISSED_CALL_TAG, highValue ? HIGH_VALUE_TAG : null].filter((t): t is string => !!t);
}

/** A lead is high-value when its line says so, or when the contact carries one of the high-value tags. */
export function isHighValue(settings: Settings, lineIsHighValue: boolean, contactTags: readonly string[]): boolean {
  if (lineIsHighValue) return true;
  const wanted = new Set(settings.highValue.tags.map((t) => t.toLowerCase()));
  return contactTags.some((t) => wanted.has(t.toLowerCase()));
}

/**
 * The line a call dialled and the source mapped to it: the number as the engine stores it (E.164 when it reads as
 * a phone number), and the source whose number is the same once both are read that way.
 */
export function lineOf(
  settings: Settings,
  dialled: string | null,
): { trackingNumber: string | null; source: SourceSettings | null } {
  const trackingNumber = dialled ? (normalizePhone(dialled) ?? dialled) : null;
  const source = settings.sources.find((s) => normalizePhone(s.trackingNumber) === trackingNumber) ?? null;
  return { trackingNumber, source };
}
