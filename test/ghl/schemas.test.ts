import { describe, expect, it } from 'vitest';
import { ContactAnswer, LocationAnswer, MessagesAnswer, UsersAnswer } from '../../src/ghl/schemas.js';

const message = {
  id: 'm1',
  dateAdded: '2026-01-05T15:00:00.000Z',
  messageType: 'TYPE_CALL',
  meta: { call: { status: 'no-answer' } },
};

describe('GHL answer schemas', () => {
  it('read messages nested (real answers) and flat (the spec), with epoch or ISO dates', () => {
    const nested = MessagesAnswer.parse({
      messages: { lastMessageId: 'm1', nextPage: false, messages: [message] },
      traceId: 't',
    });
    const flat = MessagesAnswer.parse({
      lastMessageId: 'm1',
      nextPage: false,
      messages: [{ ...message, dateAdded: Date.parse(message.dateAdded) }],
    });
    expect(nested).toEqual(flat);
    expect(nested.messages[0]).toMatchObject({
      id: 'm1',
      dateAdded: message.dateAdded,
      meta: { call: { status: 'no-answer' } },
    });
  });

  it('read a location wrapped or bare, and fill what a contact or user leaves out', () => {
    const l = { id: 'loc', name: 'Shop', timezone: 'America/Chicago', extra: 1 };
    expect(LocationAnswer.parse({ location: l })).toEqual(LocationAnswer.parse(l));
    expect(
      ContactAnswer.parse({
        contact: { id: 'c', locationId: 'loc', dndSettings: { SMS: { status: 'active', code: '' } } },
      }),
    ).toEqual({
      id: 'c',
      locationId: 'loc',
      firstName: null,
      lastName: null,
      name: null,
      email: null,
      phone: null,
      timezone: null,
      state: null,
      tags: [],
      dnd: false,
      dndSettings: { SMS: { status: 'active' } },
    });
    expect(
      UsersAnswer.parse({
        users: [
          { id: 'u1', firstName: 'Ana', lastName: 'Lopez' },
          { id: 'u2', deleted: true },
        ],
      }),
    ).toEqual([{ id: 'u1', name: 'Ana Lopez', email: null }]);
  });

  it('read a page where one message has nulls in every optional field, and drop only one without a date', () => {
    const nulls = {
      id: 'm2',
      dateAdded: '2026-01-05T15:01:00.000Z',
      contactId: null,
      messageType: null,
      type: null,
      direction: null,
      status: null,
      body: null,
      meta: null,
      source: null,
      userId: null,
    };
    const page = MessagesAnswer.parse({
      messages: { lastMessageId: null, nextPage: null, messages: [message, nulls, { id: 'm3', dateAdded: null }] },
    });
    expect(page.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(page.messages[1]).toMatchObject({ id: 'm2', direction: undefined, status: undefined });
    expect(
      ContactAnswer.parse({
        contact: { id: 'c', locationId: 'loc', dndSettings: { SMS: { status: null }, Email: null }, tags: null },
      }),
    ).toMatchObject({ dndSettings: { SMS: {} }, tags: [] });
    expect(
      LocationAnswer.parse({ location: { id: 'loc', name: null, companyId: null, timezone: null } }),
    ).toMatchObject({ id: 'loc', name: '', timezone: null, email: null, address: null });
  });
});
