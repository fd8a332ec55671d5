import { describe, expect, it } from 'vitest';
import { isOptOut } from '../../src/followup/opt-out.js';

describe('isOptOut', () => {
  it.each([
    'STOP',
    'stop',
    'Stop',
    'stop.',
    'STOP!!!',
    ' stop ',
    'Stop please',
    'Please stop',
    'pls stop texting me',
    'stop texting me',
    'Stop calling me',
    'Stop, thank you',
    'STOP 🙏',
    'STOPALL',
    'stop all',
    'QUIT',
    'End',
    'end.',
    'Revoke',
    'revoke consent',
    'opt out',
    'Opt-out',
    'OPT OUT',
    'optout',
    'Cancel',
    'cancel it',
    'UNSUBSCRIBE',
    'Unsubscribe me',
    'unsubscribe all',
    'unsub',
    'Ok stop',
    'stop stop stop',
    '"Stop"',
    'ＳＴＯＰ', // full-width letters from some keyboards
  ])('treats %j as an opt-out', (body) => {
    expect(isOptOut(body)).toBe(true);
  });

  it.each([
    '',
    '   ',
    null,
    undefined,
    "Don't stop",
    'dont stop',
    'Can you stop by at 3?',
    'Cancel my appointment please',
    'I want to cancel my order',
    'The end of the street',
    'End of day works for me',
    'When does your office end?',
    'Yes please call me back',
    'Please call me, I need a quote',
    'stopped by earlier',
    'unstoppable',
    'stop by tomorrow, stop by, stop by, stop by, stop by',
    'opting out is not what I want',
    'Thanks!',
  ])('does not treat %j as an opt-out', (body) => {
    expect(isOptOut(body)).toBe(false);
  });

  it('ignores long messages even when they start with a keyword', () => {
    expect(isOptOut('stop me me me me me me me me me me')).toBe(false);
  });
});
