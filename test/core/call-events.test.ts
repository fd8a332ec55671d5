import { describe, expect, it } from 'vitest';
import { classifyCall, eventTime } from '../../src/core/call-events.js';

const base = {
  type: 'InboundMessage',
  locationId: 'loc1',
  contactId: 'c1',
  conversationId: 'conv1',
  dateAdded: '2024-05-08T12:00:56.193Z',
  direction: 'inbound',
  messageType: 'CALL',
  messageId: 'm1',
};

describe('classifyCall: inbound', () => {
  it("classifies GHL's documented voicemail example as missed, with its attachment", () => {
    const event = { ...base, attachments: ['voicemail url'], status: 'voicemail' };
    expect(classifyCall(event)).toEqual({
      kind: 'missed',
      direction: 'inbound',
      status: 'voicemail',
      durationSec: null,
      at: '2024-05-08T12:00:56.193Z',
      messageId: 'm1',
      conversationId: 'conv1',
      contactId: 'c1',
      locationId: 'loc1',
      attachments: ['voicemail url'],
    });
  });

  it("classifies GHL's documented answered example as answered", () => {
    const event = { ...base, status: 'completed', callStatus: 'completed', callDuration: 120, attachments: ['rec'] };
    expect(classifyCall(event)).toMatchObject({ kind: 'answered', status: 'completed', durationSec: 120 });
  });

  it.each(['voicemail', 'no-answer', 'busy', 'canceled', 'failed', 'cancelled', 'NO_ANSWER', 'Busy'])(
    'treats callStatus %s as missed',
    (callStatus) => {
      expect(classifyCall({ ...base, callStatus })?.kind).toBe('missed');
    },
  );

  it('normalises status spellings', () => {
    expect(classifyCall({ ...base, callStatus: 'cancelled' })?.status).toBe('canceled');
    expect(classifyCall({ ...base, callStatus: 'NO_ANSWER' })?.status).toBe('no-answer');
  });

  it('treats completed with duration 0 as missed, also when the duration is a string', () => {
    expect(classifyCall({ ...base, status: 'completed', callDuration: 0 })?.kind).toBe('missed');
    expect(classifyCall({ ...base, status: 'completed', callDuration: '0' })?.kind).toBe('missed');
    expect(classifyCall({ ...base, status: 'completed', callDuration: '35' })).toMatchObject({
      kind: 'answered',
      durationSec: 35,
    });
  });

  it('reads the nested meta.call form', () => {
    const event = { ...base, meta: { call: { status: 'no-answer', duration: 0 } } };
    expect(classifyCall(event)).toMatchObject({ kind: 'missed', status: 'no-answer', durationSec: 0 });
    const answered = { ...base, meta: { call: { status: 'completed', duration: 42 } } };
    expect(classifyCall(answered)).toMatchObject({ kind: 'answered', durationSec: 42 });
    const zero = { ...base, status: 'completed', meta: { call: { duration: 0 } } };
    expect(classifyCall(zero)?.kind).toBe('missed');
  });

  it('lets callStatus win over status', () => {
    expect(classifyCall({ ...base, status: 'completed', callStatus: 'voicemail', callDuration: 20 })).toMatchObject({
      kind: 'missed',
      status: 'voicemail',
    });
  });

  it('treats an unknown final status as missed but ignores progress reports', () => {
    expect(classifyCall({ ...base, status: 'something-new' })?.kind).toBe('missed');
    expect(classifyCall({ ...base, status: 'ringing' })).toBeNull();
    expect(classifyCall({ ...base, status: 'in-progress' })).toBeNull();
    expect(classifyCall({ ...base, callStatus: 'pending' })).toBeNull();
  });

  it('needs a status at all', () => {
    expect(classifyCall({ ...base })).toBeNull();
  });

  it.each(['CALL', 'call', 'TYPE_CALL', 'type_call', 'IVR_CALL', 'TYPE_IVR_CALL', 'Type_Ivr_Call'])(
    'accepts messageType %s',
    (messageType) => {
      expect(classifyCall({ ...base, messageType, status: 'voicemail' })?.kind).toBe('missed');
    },
  );

  it.each(['SMS', 'Email', 'VoiceMail', 'TYPE_SMS', '', undefined, 7])('ignores messageType %j', (messageType) => {
    expect(classifyCall({ ...base, messageType, status: 'voicemail' })).toBeNull();
  });

  it('ignores events without a contact, a location or a direction', () => {
    expect(classifyCall({ ...base, status: 'voicemail', contactId: undefined })).toBeNull();
    expect(classifyCall({ ...base, status: 'voicemail', locationId: '' })).toBeNull();
    expect(classifyCall({ ...base, status: 'voicemail', direction: undefined, type: 'ContactCreate' })).toBeNull();
  });

  it('takes the direction from the event type when the field is missing', () => {
    expect(classifyCall({ ...base, status: 'voicemail', direction: undefined })?.direction).toBe('inbound');
    expect(
      classifyCall({ ...base, status: 'voicemail', direction: undefined, type: 'OutboundMessage' })?.direction,
    ).toBe('outbound');
  });

  it('ignores things that are not events', () => {
    for (const value of [null, undefined, 'CALL', 42, [], [base]]) expect(classifyCall(value)).toBeNull();
  });

  it('normalises from and to phone numbers, keeps ones it cannot read, and drops empty attachments', () => {
    const event = {
      ...base,
      status: 'voicemail',
      from: '(305) 555-0123',
      to: '+15550001111',
      attachments: ['a', '', 3],
    };
    expect(classifyCall(event)).toMatchObject({ from: '+13055550123', to: '+15550001111', attachments: ['a'] });
    expect(classifyCall({ ...base, status: 'voicemail', from: 'anonymous' })?.from).toBe('anonymous');
    const nested = { ...base, meta: { call: { status: 'voicemail', from: '+13055550123', to: '+12145550100' } } };
    expect(classifyCall(nested)).toMatchObject({ from: '+13055550123', to: '+12145550100' });
  });

  it('leaves out optional fields it does not have', () => {
    const event = classifyCall({
      locationId: 'l',
      contactId: 'c',
      direction: 'inbound',
      messageType: 'CALL',
      status: 'busy',
    });
    expect(event).toEqual({
      kind: 'missed',
      direction: 'inbound',
      status: 'busy',
      durationSec: null,
      contactId: 'c',
      locationId: 'l',
      attachments: [],
    });
  });
});

describe('classifyCall: outbound', () => {
  const out = { ...base, type: 'OutboundMessage', direction: 'outbound' };

  it('is answered only when completed with a positive duration', () => {
    expect(classifyCall({ ...out, status: 'completed', callStatus: 'completed', callDuration: 30 })?.kind).toBe(
      'answered',
    );
    expect(classifyCall({ ...out, status: 'completed', callStatus: 'completed', callDuration: 0 })?.kind).toBe(
      'missed',
    );
    expect(classifyCall({ ...out, status: 'completed', callStatus: 'completed' })?.kind).toBe('missed');
  });

  it.each(['voicemail', 'no-answer', 'busy'])('is missed when it reached %s, even with a duration', (callStatus) => {
    expect(classifyCall({ ...out, status: 'completed', callStatus, callDuration: 25 })).toMatchObject({
      kind: 'missed',
      direction: 'outbound',
      status: callStatus,
    });
  });

  it('reads the nested form for outbound calls too', () => {
    expect(classifyCall({ ...out, meta: { call: { status: 'completed', duration: 12 } } })?.kind).toBe('answered');
    expect(
      classifyCall({ ...out, status: 'completed', meta: { call: { status: 'voicemail', duration: 12 } } })?.kind,
    ).toBe('missed');
  });
});

describe('eventTime', () => {
  const received = new Date('2026-01-05T15:00:00Z');

  it('uses dateAdded first', () => {
    expect(eventTime({ dateAdded: '2026-01-05T14:00:00Z', timestamp: 1 }, received).toISOString()).toBe(
      '2026-01-05T14:00:00.000Z',
    );
  });

  it('else the timestamp, as ISO 8601 or epoch milliseconds', () => {
    expect(eventTime({ timestamp: '2026-01-05T14:30:00.000Z' }, received).toISOString()).toBe(
      '2026-01-05T14:30:00.000Z',
    );
    const ms = Date.parse('2026-01-05T14:45:00Z');
    expect(eventTime({ timestamp: ms }, received).getTime()).toBe(ms);
    expect(eventTime({ timestamp: String(ms) }, received).getTime()).toBe(ms);
  });

  it('else the time it was received, also when the dates are unreadable', () => {
    expect(eventTime({}, received)).toEqual(received);
    expect(eventTime({ dateAdded: 'yesterday', timestamp: 'soon' }, received)).toEqual(received);
    expect(eventTime({ dateAdded: '2026-13-45T00:00:00Z' }, received)).toEqual(received);
    expect(eventTime(null, received)).toEqual(received);
  });

  it('falls through an unreadable dateAdded to the timestamp', () => {
    expect(eventTime({ dateAdded: 'garbage', timestamp: '2026-01-05T14:30:00Z' }, received).toISOString()).toBe(
      '2026-01-05T14:30:00.000Z',
    );
  });

  it('gives classifyCall the same time as its at field', () => {
    const event = { ...base, status: 'voicemail', dateAdded: undefined, timestamp: 1767625200000 };
    expect(classifyCall(event)?.at).toBe(new Date(1767625200000).toISOString());
  });
});
