import { describe, expect, it } from 'vitest';
import { settingsFromText } from '../../src/followup/settings-cache.js';
import { defaultSettings } from '../../src/core/settings/schema.js';

describe('validated settings, reused while the stored document is unchanged', () => {
  it('validates a document once, again when its text changes, and shares a frozen result', () => {
    const doc = { ...defaultSettings(), bookingLink: 'https://book.example/a' };
    const first = settingsFromText('loc_cache', JSON.stringify(doc));
    expect(first.bookingLink).toBe('https://book.example/a');
    expect(settingsFromText('loc_cache', JSON.stringify(doc))).toBe(first);
    const changed = settingsFromText('loc_cache', JSON.stringify({ ...doc, bookingLink: 'https://book.example/b' }));
    expect(changed).not.toBe(first);
    expect(changed.bookingLink).toBe('https://book.example/b');
    expect(() => {
      (changed.sequence as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('falls back to the defaults for a missing or invalid document, per location', () => {
    expect(settingsFromText('loc_none', null)).toEqual(defaultSettings());
    expect(settingsFromText('loc_bad', JSON.stringify({ enabled: 'yes please' }))).toEqual(defaultSettings());
    const other = settingsFromText('loc_other', JSON.stringify({ ...defaultSettings(), enabled: false }));
    expect(other.enabled).toBe(false);
    expect(settingsFromText('loc_cache', JSON.stringify({ ...defaultSettings(), enabled: true })).enabled).toBe(true);
  });
});
