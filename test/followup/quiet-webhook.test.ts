import { describe, expect, it } from 'vitest';
import { quietWebhook } from '../../src/followup/quiet-webhook.js';

const at = new Date('2026-01-05T15:00:00Z');
const text = (over: Record<string, unknown>) => ({
  type: 'InboundMessage',
  locationId: 'loc_1',
  contactId: 'con_1',
  messageId: 'msg_1',
  messageType: 'SMS',
  direction: 'inbound',
  body: 'Are you open on Saturday?',
  dateAdded: '2026-01-05T14:59:00Z',
  ...over,
});

// The rule itself (docs/quiet-webhooks.md); what the inbox makes of it: test/webhooks/quiet-webhooks.test.ts.
describe('which webhooks may be quiet', () => {
  it('an ordinary text or email may: it would record a reply at its own time', () => {
    expect(quietWebhook('InboundMessage', text({}), at)).toEqual({
      contactId: 'con_1',
      kind: 'reply',
      at: new Date('2026-01-05T14:59:00Z'),
      ref: 'msg_1',
    });
    expect(quietWebhook('InboundMessage', text({ messageType: 'Email', body: '<p>Thanks!</p>' }), at)?.kind).toBe(
      'reply',
    );
  });

  it.each([['STOP'], ['stop texting me'], ['No me envíes más mensajes'], ['leave me alone']])(
    'a possible opt-out never is: %j',
    (body) => {
      expect(quietWebhook('InboundMessage', text({ body }), at)).toBeNull();
    },
  );

  it('an unsubscribe by email never is', () => {
    expect(quietWebhook('InboundMessage', text({ messageType: 'Email', body: 'Unsubscribe' }), at)).toBeNull();
  });

  it('outbound messages may, by who sent them; a failed delivery never is', () => {
    const out = (over: Record<string, unknown>) =>
      quietWebhook('OutboundMessage', text({ type: 'OutboundMessage', direction: 'outbound', ...over }), at);
    expect(out({ source: 'workflow' })?.kind).toBe('other-automation');
    expect(out({ source: 'app' })?.kind).toBe('manual-message');
    expect(out({ status: 'failed', source: 'api' })).toBeNull();
    expect(out({ status: 'undelivered' })).toBeNull();
  });

  it('calls of any kind never are', () => {
    const call = { messageType: 'CALL', callStatus: 'no-answer', body: null };
    expect(quietWebhook('InboundMessage', text(call), at)).toBeNull();
    expect(
      quietWebhook('OutboundMessage', text({ ...call, direction: 'outbound', callStatus: 'completed' }), at),
    ).toBeNull();
  });

  it.each([
    ['TaskComplete'],
    ['ContactDndUpdate'],
    ['ContactDelete'],
    ['AppointmentCreate'],
    ['OpportunityStatusUpdate'],
    ['VoiceAiCallEnd'],
    ['UserCreate'],
    ['LocationUpdate'],
    ['INSTALL'],
    ['UNINSTALL'],
    ['SomethingNew'],
  ])('no other event type is: %s', (type) => {
    expect(quietWebhook(type, text({ type }), at)).toBeNull();
  });

  it('a long text is left to its job: the classifier does not run in the request', () => {
    expect(quietWebhook('InboundMessage', text({ body: 'ok '.repeat(700) }), at)).toBeNull();
    expect(quietWebhook('InboundMessage', text({ body: 'ok '.repeat(600) }), at)?.kind).toBe('reply');
    const email = `<p>Thanks</p><blockquote>${'x'.repeat(70_000)}</blockquote>`;
    expect(quietWebhook('InboundMessage', text({ messageType: 'Email', body: email }), at)).toBeNull();
  });

  it('keys the event as processing does: an empty message id is none, the event id stands in', () => {
    expect(quietWebhook('InboundMessage', text({ messageId: '', id: 'msg_2' }), at)?.ref).toBe('msg_2');
  });

  it('a message whose time cannot be stored is left to its job', () => {
    expect(quietWebhook('InboundMessage', text({ dateAdded: 1e20 }), at)).toBeNull();
  });

  it('a message without a contact or a location is processed as before', () => {
    expect(quietWebhook('InboundMessage', text({ contactId: null }), at)).toBeNull();
    expect(quietWebhook('InboundMessage', text({ locationId: '' }), at)).toBeNull();
  });
});
