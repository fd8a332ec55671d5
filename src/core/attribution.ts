import type { Settings } from './settings/schema.js';

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
