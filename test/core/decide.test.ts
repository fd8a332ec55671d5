import { describe, expect, it } from 'vitest';
import { type DecideStepInput, decideStep, touchCapFreesAt } from '../../src/core/decide.js';
import { defaultSettings, type SequenceStep } from '../../src/core/settings/schema.js';

const settings = defaultSettings({ bookingLink: 'https://example.com/book' });
const [smsStep, taskStep, emailStep] = settings.sequence as [SequenceStep, SequenceStep, SequenceStep];
const HOUR = 3_600_000;
// Monday 2026-01-05 10:00 in New York (EST, UTC-5).
const NOW = new Date('2026-01-05T15:00:00Z');
const STARTED = new Date('2026-01-05T14:58:00Z');
const later = (ms: number) => new Date(STARTED.getTime() + ms);

function input(overrides: Partial<DecideStepInput> = {}): DecideStepInput {
  return {
    step: smsStep,
    settings,
    run: { startedAt: STARTED, stoppedReason: null },
    contact: { dnd: false, dndSettings: null, optedOutSms: false, notTextable: false },
    history: {},
    touchesLast24h: [],
    now: NOW,
    timeZone: 'America/New_York',
    state: 'NY',
    ...overrides,
  };
}

describe('decideStep: stop conditions', () => {
  it('sends when nothing stops, skips or defers the step', () => {
    expect(decideStep(input())).toEqual({ type: 'send' });
  });

  it.each([
    ['callReturnedAt', 'call-returned'],
    ['answeredAt', 'answered'],
    ['repliedAt', 'replied'],
    ['bookedAt', 'booked'],
    ['taskCompletedAt', 'task-completed'],
  ] as const)('stops when %s is set after the run started', (field, reason) => {
    expect(decideStep(input({ history: { [field]: later(60_000) } }))).toEqual({ type: 'stop', reason });
    expect(decideStep(input({ step: taskStep, history: { [field]: later(60_000) } }))).toEqual({
      type: 'stop',
      reason,
    });
  });

  it.each([
    ['callReturned', 'callReturnedAt'],
    ['answered', 'answeredAt'],
    ['replied', 'repliedAt'],
    ['booked', 'bookedAt'],
    ['taskCompleted', 'taskCompletedAt'],
  ] as const)('does not stop on %s when its stopWhen flag is off', (flag, field) => {
    const relaxed = { ...settings, stopWhen: { ...settings.stopWhen, [flag]: false } };
    expect(decideStep(input({ settings: relaxed, history: { [field]: later(60_000) } }))).toEqual({ type: 'send' });
  });

  it('ignores events from before the run started', () => {
    expect(decideStep(input({ history: { repliedAt: new Date(STARTED.getTime() - 1) } }))).toEqual({ type: 'send' });
  });

  it('names the earliest stop condition when several happened', () => {
    const history = { repliedAt: later(5 * 60_000), bookedAt: later(60_000), answeredAt: later(10 * 60_000) };
    expect(decideStep(input({ history }))).toEqual({ type: 'stop', reason: 'booked' });
  });

  it('stops on an opt-out during the run even with every stopWhen flag off', () => {
    const none = {
      ...settings,
      stopWhen: { callReturned: false, answered: false, replied: false, booked: false, taskCompleted: false },
    };
    const history = { optedOutAt: later(60_000), bookedAt: later(1000) };
    expect(decideStep(input({ settings: none, history }))).toEqual({ type: 'stop', reason: 'opted-out' });
    expect(decideStep(input({ history }))).toEqual({ type: 'stop', reason: 'opted-out' });
  });

  it('stops a run that was already stopped, keeping a known reason', () => {
    expect(decideStep(input({ run: { startedAt: STARTED, stoppedReason: 'booked' } }))).toEqual({
      type: 'stop',
      reason: 'booked',
    });
    expect(decideStep(input({ run: { startedAt: STARTED, stoppedReason: 'escalated-manually' } }))).toEqual({
      type: 'stop',
      reason: 'run-stopped',
    });
  });

  it('stops when the owner has switched Ringback off', () => {
    expect(decideStep(input({ settings: { ...settings, enabled: false } }))).toEqual({
      type: 'stop',
      reason: 'disabled',
    });
  });
});

describe('decideStep: channel guards', () => {
  const contact = { dnd: false, dndSettings: null, optedOutSms: false, notTextable: false };

  it("skips SMS and email when the contact's global DND is on, but still creates the task", () => {
    const dnd = { ...contact, dnd: true };
    expect(decideStep(input({ contact: dnd }))).toEqual({ type: 'skip', reason: 'dnd-sms' });
    expect(decideStep(input({ step: emailStep, contact: dnd }))).toEqual({ type: 'skip', reason: 'dnd-email' });
    expect(decideStep(input({ step: taskStep, contact: dnd }))).toEqual({ type: 'send' });
  });

  it('applies per-channel DND only to its own channel', () => {
    const smsDnd = { ...contact, dndSettings: { SMS: { status: 'active' }, Email: { status: 'inactive' } } };
    expect(decideStep(input({ contact: smsDnd }))).toEqual({ type: 'skip', reason: 'dnd-sms' });
    expect(decideStep(input({ step: emailStep, contact: smsDnd }))).toEqual({ type: 'send' });
    const emailDnd = { ...contact, dndSettings: { Email: { status: 'active' } } };
    expect(decideStep(input({ contact: emailDnd }))).toEqual({ type: 'send' });
    expect(decideStep(input({ step: emailStep, contact: emailDnd }))).toEqual({ type: 'skip', reason: 'dnd-email' });
    const permanent = { ...contact, dndSettings: { SMS: { status: 'permanent' } } };
    expect(decideStep(input({ contact: permanent }))).toEqual({ type: 'skip', reason: 'dnd-sms' });
  });

  it('skips an email when GHL has no address for the contact, and only then', () => {
    expect(decideStep(input({ step: emailStep, contact: { ...contact, hasEmail: false } }))).toEqual({
      type: 'skip',
      reason: 'no-email',
    });
    expect(decideStep(input({ step: emailStep, contact: { ...contact, hasEmail: true } }))).toEqual({ type: 'send' });
    expect(decideStep(input({ contact: { ...contact, hasEmail: false } }))).toEqual({ type: 'send' });
  });

  it('skips SMS for an opted-out contact and for a number that cannot take texts, not email or tasks', () => {
    const optedOut = { ...contact, optedOutSms: true };
    expect(decideStep(input({ contact: optedOut }))).toEqual({ type: 'skip', reason: 'opted-out-sms' });
    expect(decideStep(input({ step: emailStep, contact: optedOut }))).toEqual({ type: 'send' });
    const landline = { ...contact, notTextable: true };
    expect(decideStep(input({ contact: landline }))).toEqual({ type: 'skip', reason: 'not-textable' });
    expect(decideStep(input({ step: taskStep, contact: landline }))).toEqual({ type: 'send' });
  });

  it('reports the opt-out before DND when both apply', () => {
    const both = { ...contact, optedOutSms: true, dnd: true };
    expect(decideStep(input({ contact: both }))).toEqual({ type: 'skip', reason: 'opted-out-sms' });
  });
});

describe('decideStep: send window', () => {
  const lateNight = new Date('2026-01-06T04:00:00Z'); // 23:00 in New York

  it('defers an SMS outside the window to the next open minute', () => {
    expect(decideStep(input({ now: lateNight }))).toEqual({
      type: 'defer',
      until: new Date('2026-01-06T13:00:00Z'),
      reason: 'outside-send-window',
      note: "Text waits until Tue 8:00 AM EST: federal law (TCPA), texts 8:00 AM to 9:00 PM only, recipient's time zone.",
    });
  });

  it('does not hold back tasks or emails outside the window', () => {
    expect(decideStep(input({ step: taskStep, now: lateNight }))).toEqual({ type: 'send' });
    expect(decideStep(input({ step: emailStep, now: lateNight }))).toEqual({ type: 'send' });
  });

  it("applies the recipient's state rules", () => {
    const evening = new Date('2026-01-06T01:30:00Z'); // 20:30 in New York
    expect(decideStep(input({ now: evening, state: 'GA' }))).toEqual({ type: 'send' });
    expect(decideStep(input({ now: evening, state: 'FL' }))).toEqual({
      type: 'defer',
      until: new Date('2026-01-06T13:00:00Z'),
      reason: 'outside-send-window',
      note: 'Text waits until Tue 8:00 AM EST: Florida law, state FL.',
    });
  });

  it('skips the SMS when the window can never open', () => {
    const narrow = { ...settings, sendWindow: { start: '20:00', end: '21:00', maxTouchesPer24h: 3 } };
    expect(decideStep(input({ settings: narrow, state: 'FL' }))).toMatchObject({
      type: 'skip',
      reason: 'no-send-window',
    });
  });
});

describe('decideStep: touch cap', () => {
  const touches = [NOW.getTime() - 20 * HOUR, NOW.getTime() - 5 * HOUR, NOW.getTime() - HOUR].map((ms) => new Date(ms));

  it('sends while under the cap', () => {
    expect(decideStep(input({ touchesLast24h: touches.slice(1) }))).toEqual({ type: 'send' });
  });

  it('defers until the oldest touch is 24 h old when the cap is reached', () => {
    // Oldest touch 2026-01-04T19:00Z; +24 h = 2026-01-05T19:00Z = 14:00 in New York, inside the window.
    expect(decideStep(input({ touchesLast24h: touches }))).toEqual({
      type: 'defer',
      until: new Date('2026-01-05T19:00:00Z'),
      reason: 'touch-cap',
      note: 'Text waits until Mon 2:00 PM EST: at most 3 automated texts per 24 hours (your setting).',
    });
  });

  it('then also respects the window', () => {
    // The oldest touch (22:00 New York time on the 4th) frees the cap at 22:00 on the 5th, after the window
    // closes, so the text waits for 08:00 on the 6th.
    const late = [new Date('2026-01-05T03:00:00Z'), new Date('2026-01-05T14:00:00Z'), new Date('2026-01-05T14:30:00Z')];
    expect(decideStep(input({ touchesLast24h: late }))).toMatchObject({
      type: 'defer',
      until: new Date('2026-01-06T13:00:00Z'),
      reason: 'touch-cap',
    });
    const tight = { ...settings, sendWindow: { ...settings.sendWindow, maxTouchesPer24h: 1 } };
    const one = [new Date('2026-01-05T02:30:00Z')]; // 21:30 on the 4th in New York
    expect(
      decideStep(input({ settings: tight, now: new Date('2026-01-05T14:00:00Z'), touchesLast24h: one })),
    ).toMatchObject({
      type: 'defer',
      until: new Date('2026-01-06T13:00:00Z'),
      reason: 'touch-cap',
    });
  });

  it('sends at the exact minute the oldest touch turns 24 h old', () => {
    const exact = [new Date(NOW.getTime() - 24 * HOUR), ...touches.slice(1)];
    expect(decideStep(input({ touchesLast24h: exact }))).toEqual({ type: 'send' });
  });

  it('ignores touches older than 24 h or in the future', () => {
    const stale = [
      new Date(NOW.getTime() - 24 * HOUR),
      new Date(NOW.getTime() - 30 * HOUR),
      new Date(NOW.getTime() + HOUR),
    ];
    expect(decideStep(input({ touchesLast24h: [...stale, ...touches.slice(1)] }))).toEqual({ type: 'send' });
  });

  it('does not count tasks or emails against the cap', () => {
    expect(decideStep(input({ step: emailStep, touchesLast24h: touches }))).toEqual({ type: 'send' });
    expect(decideStep(input({ step: taskStep, touchesLast24h: touches }))).toEqual({ type: 'send' });
  });
});

describe('touchCapFreesAt', () => {
  const now = new Date('2026-01-05T15:00:00Z');
  const t = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);

  it('is null under the cap', () => {
    expect(touchCapFreesAt([t(1), t(2)], 3, now)).toBeNull();
    expect(touchCapFreesAt([], 1, now)).toBeNull();
  });

  it('is the oldest touch + 24 h at the cap, whatever the order of the list', () => {
    expect(touchCapFreesAt([t(1), t(10), t(5)], 3, now)).toEqual(new Date(t(10).getTime() + 24 * HOUR));
  });

  it('waits for enough touches to age out when over the cap (the cap was lowered)', () => {
    // Five touches, cap 2: four must age out; the fourth oldest (2 h ago) decides.
    expect(touchCapFreesAt([t(20), t(15), t(10), t(2), t(1)], 2, now)).toEqual(new Date(t(2).getTime() + 24 * HOUR));
  });
});
