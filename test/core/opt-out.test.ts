import { describe, expect, it } from 'vitest';
import { classifyReply, isOptOut, type ReplyKind } from '../../src/core/opt-out.js';

// One row per reply: what it means for consent, and why (the label names the rule or the case it stands for).
const TABLE: [label: string, body: string | null | undefined, kind: ReplyKind][] = [
  // FCC 24-18 keywords, alone or in a short reply
  ['keyword', 'STOP', 'opt-out'],
  ['keyword, lower case', 'stop', 'opt-out'],
  ['keyword, punctuation', 'STOP!!!', 'opt-out'],
  ['keyword, spaces', ' stop ', 'opt-out'],
  ['keyword + please', 'Stop please', 'opt-out'],
  ['please + keyword', 'Please stop', 'opt-out'],
  ['keyword + filler', 'pls stop texting me', 'opt-out'],
  ['keyword + thanks', 'Stop, thank you', 'opt-out'],
  ['keyword + emoji', 'STOP 🙏', 'opt-out'],
  ['keyword, full-width letters', 'ＳＴＯＰ', 'opt-out'],
  ['keyword, quoted', '"Stop"', 'opt-out'],
  ['stopall', 'STOPALL', 'opt-out'],
  ['stop all', 'stop all', 'opt-out'],
  ['quit', 'QUIT', 'opt-out'],
  ['end', 'End', 'opt-out'],
  ['revoke', 'revoke consent', 'opt-out'],
  ['opt out, spaced', 'opt out', 'opt-out'],
  ['opt out, hyphen', 'Opt-out', 'opt-out'],
  ['opt out, fused', 'optout', 'opt-out'],
  ['cancel', 'Cancel', 'opt-out'],
  ['cancel it', 'cancel it', 'opt-out'],
  ['unsubscribe', 'UNSUBSCRIBE', 'opt-out'],
  ['unsubscribe me', 'Unsubscribe me', 'opt-out'],
  ['unsub', 'unsub', 'opt-out'],
  ['ok + keyword', 'Ok stop', 'opt-out'],
  ['keyword repeated', 'stop stop stop', 'opt-out'],
  ['keyword sentence after context', "I'm all set. Stop.", 'opt-out'],
  // Clear phrases, however long the message
  ['remove me from your list', 'Remove me from your list', 'opt-out'],
  ['take me off', 'Please take me off your list', 'opt-out'],
  ["don't text me", "Don't text me", 'opt-out'],
  ['do not text me', 'Do not text me again', 'opt-out'],
  ['no more texts', 'No more texts', 'opt-out'],
  ['no more messages', 'no more messages please', 'opt-out'],
  ['stop texting me', 'stop texting me', 'opt-out'],
  ['stop sending me texts', 'Can you stop sending me these texts', 'opt-out'],
  ['stop calling me', 'Stop calling me', 'opt-out'],
  ['stop all the texts', 'please stop all the texts', 'opt-out'],
  ['lose my number', 'Lose my number', 'opt-out'],
  ['opt me out', 'opt me out', 'opt-out'],
  ['unsubscribe in a question', 'How do I unsubscribe from this?', 'opt-out'],
  [
    'over 8 words with a clear phrase',
    'Hi this is Jane, I already found another dentist so please remove me from your list, thanks',
    'opt-out',
  ],
  ['over 8 words, keyword sentence', 'I called by mistake and I do not need anything from you. STOP', 'opt-out'],
  // Spanish
  ['ALTO', 'ALTO', 'opt-out'],
  ['PARA', 'PARA', 'opt-out'],
  ['para por favor', 'Para por favor', 'opt-out'],
  ['basta', 'Basta ya', 'opt-out'],
  ['cancelar', 'cancelar', 'opt-out'],
  ['baja', 'BAJA', 'opt-out'],
  ['no me envíes más mensajes', 'No me envíes más mensajes', 'opt-out'],
  ['no me manden mensajes', 'Por favor no me manden mensajes', 'opt-out'],
  ['no más mensajes', 'No más mensajes', 'opt-out'],
  ['dejen de escribirme', 'Dejen de escribirme', 'opt-out'],
  ['quítenme de la lista', 'Quítenme de su lista', 'opt-out'],
  ['darme de baja', 'Quiero darme de baja', 'opt-out'],
  ['cancelar suscripción', 'cancelar suscripción', 'opt-out'],
  // May be an opt-out: held until a rep confirms
  ['leave me alone', 'Leave me alone', 'maybe'],
  ['wrong number', 'Wrong number', 'maybe'],
  ['wrong number, long', 'You have the wrong number, I never called a dentist', 'maybe'],
  ['not interested', "I'm not interested", 'maybe'],
  ['stop inside a long sentence', 'I told your office last week that I want this to stop', 'maybe'],
  ['déjame en paz', 'Déjame en paz', 'maybe'],
  ['número equivocado', 'Número equivocado', 'maybe'],
  ['no me interesa', 'No me interesa', 'maybe'],
  // Not an opt-out
  ['empty', '', 'none'],
  ['blank', '   ', 'none'],
  ['null', null, 'none'],
  ['undefined', undefined, 'none'],
  ["don't stop", "Don't stop", 'none'],
  ['dont stop', 'dont stop', 'none'],
  ['stop by', 'Can you stop by at 3?', 'none'],
  ['stop by, repeated', 'stop by tomorrow, stop by, stop by, stop by, stop by', 'none'],
  ['cancel an appointment', 'Cancel my appointment please', 'none'],
  ['cancel an order', 'I want to cancel my order', 'none'],
  ['end of the street', 'The end of the street', 'none'],
  ['end of day', 'End of day works for me', 'none'],
  ['when does it end', 'When does your office end?', 'none'],
  ['call me back', 'Yes please call me back', 'none'],
  ['a quote', 'Please call me, I need a quote', 'none'],
  ['stopped by', 'stopped by earlier', 'none'],
  ['unstoppable', 'unstoppable', 'none'],
  ['opting out, denied', 'opting out is not what I want', 'none'],
  ['thanks', 'Thanks!', 'none'],
  ['para + a date', 'Para mañana a las 3', 'none'],
  ['spanish question', '¿Tienen cita para el lunes?', 'none'],
  ['text me instead', 'Text me the address please', 'none'],
];

describe('classifyReply', () => {
  it.each(TABLE)('%s: %j is %s', (_label, body, kind) => {
    expect(classifyReply(body).kind).toBe(kind);
    expect(isOptOut(body)).toBe(kind === 'opt-out');
  });

  it('names the words that decided, for the timeline and the rep', () => {
    expect(classifyReply('Hi, please remove me from your list').matched).toBe('remove me from');
    expect(classifyReply('Wrong number').matched).toBe('wrong number');
    expect(classifyReply('Thanks').matched).toBeNull();
  });
});
