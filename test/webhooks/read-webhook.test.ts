import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { readWebhook } from '../../src/webhooks/events.js';

// What processing hands the engine: the stored event typed by the schema its intake passed.
describe('readWebhook', () => {
  it('types a known event, an empty or null text read as null and fields the schema does not name kept', () => {
    const event = readWebhook('InboundMessage', {
      type: 'InboundMessage',
      locationId: 'loc_1',
      contactId: '',
      messageId: null,
      body: 'Call me back',
      messageType: 'SMS',
      timestamp: '2026-01-05T14:00:00Z',
      meta: { call: { status: 'completed', duration: 12 } },
      extra: { kept: true },
    });
    expect(event).toMatchObject({
      type: 'InboundMessage',
      locationId: 'loc_1',
      contactId: null,
      messageId: null,
      body: 'Call me back',
      timestamp: '2026-01-05T14:00:00Z',
      meta: { call: { status: 'completed', duration: 12 } },
      extra: { kept: true },
    });
    expect(event?.type === 'InboundMessage' && event.id).toBeNull();
  });

  it('reads email addresses as GHL sends them, a string or an array with nulls', () => {
    const event = readWebhook('OutboundMessage', {
      type: 'OutboundMessage',
      locationId: 'loc_1',
      messageType: 'Email',
      to: ['a@example.com', null],
      cc: 'b@example.com',
    });
    expect(event).toMatchObject({ to: ['a@example.com', null], cc: 'b@example.com' });
  });

  it('is null for a type Ringback does not read, an Opportunity event it does not keep included', () => {
    expect(readWebhook('NoteCreate', { type: 'NoteCreate', locationId: 'loc_1' })).toBeNull();
    expect(
      readWebhook('OpportunityNoteCreate', { type: 'OpportunityNoteCreate', locationId: 'loc_1', id: 'o' }),
    ).toBeNull();
  });

  it('throws for a known event that does not parse: it never will', () => {
    expect(() => readWebhook('TaskComplete', { type: 'TaskComplete', locationId: 'loc_1' })).toThrow(ZodError);
    expect(() => readWebhook('UserDelete', { type: 'UserDelete', locationId: 'loc_1' })).toThrow(ZodError);
  });
});
