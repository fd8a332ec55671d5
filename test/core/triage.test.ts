import { describe, expect, it } from 'vitest';
import { type Triage, type TriageClass, triageReply } from '../../src/core/triage.js';

// One row per reply: the class and, where it matters, which rule family must decide it.
const TABLE: [body: string, cls: TriageClass, extra?: Partial<Triage>][] = [
  // consent comes first and is h4's classifier's answer, clear or possible
  ['STOP', 'opt-out', { optOut: 'opt-out' }],
  ['Stop texting me, my basement is flooding and I found another plumber', 'opt-out', { optOut: 'opt-out' }],
  ['no me envíes más mensajes', 'opt-out', { optOut: 'opt-out' }],
  ['not interested', 'opt-out', { optOut: 'maybe' }],
  // a wrong number is its own class, not a possible opt-out
  ['Wrong number', 'wrong-number'],
  ['Número equivocado', 'wrong-number'],
  ['I never called you', 'wrong-number'],
  // danger before anything the caller wants
  ['Basement is FLOODING 😭 can you come today?', 'emergency'],
  ['chest pain, can I come in now', 'emergency'],
  ['huele a gas en la cocina', 'emergency'],
  ['urgent!!', 'emergency'],
  // a calm-down cancels the emergency words
  ['no rush, not urgent', 'other'],
  ['no es urgente', 'other'],
  // booking, price, both
  ['Can I book for Tuesday?', 'book'],
  ['quiero agendar una cita', 'book'],
  ['how much for a drain cleaning', 'price'],
  ['cuánto cobran?', 'price'],
  ['How much is it and can you come tomorrow at 9?', 'book', { alsoPrice: true }],
  ['How much longer for the part?', 'other'],
  // the rest
  ['I will stop by the office Friday with the paperwork', 'other'],
  ['ok thanks 👍', 'other'],
  ['', 'other'],
];

describe('reply triage', () => {
  it.each(TABLE)('reads %j as %s', (body, cls, extra) => {
    const triage = triageReply(body);
    expect(triage.class).toBe(cls);
    if (extra) expect(triage).toMatchObject(extra);
    expect(triage.matched === null).toBe(cls === 'other');
  });
});
