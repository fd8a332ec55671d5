/**
 * Whether an inbound text revokes consent. Pure: the same words give the same answer on every path a reply can
 * arrive by (webhook, the API check), and reply triage can build on it.
 *
 * FCC 24-18 (47 CFR 64.1200(a)(10)) makes any reasonable means of revocation count, and names stop, quit, end,
 * revoke, opt out, cancel and unsubscribe (docs/compliance-signals.md). Three answers:
 * - `opt-out`: a keyword alone or in a short clause ("Stop", "STOP!!", "Unsubscribe me", "Para por favor"), or a
 *   clear phrase anywhere, however long the message ("remove me from your list", "don't text me", "no more texts",
 *   "no me envíes más mensajes");
 * - `maybe`: wording a person may mean as "stop texting me" but may not ("leave me alone", "wrong number", "not
 *   interested", a "stop" inside a longer sentence): automated texts wait until a rep confirms;
 * - `none`: "Can you stop by at 3?", "Cancel my appointment", "Don't stop".
 * A missed opt-out costs up to $1,500 a text; a false one costs a human follow-up, so doubt leans to holding.
 */

export type ReplyKind = 'opt-out' | 'maybe' | 'none';

export interface ReplyClass {
  kind: ReplyKind;
  /** The words that decided it (normalised), for the timeline and the rep's task; null for `none`. */
  matched: string | null;
}

export const OPT_OUT_KEYWORDS = [
  'stop',
  'stopall',
  'quit',
  'end',
  'revoke',
  'optout',
  'cancel',
  'unsubscribe',
  'unsub',
  // Spanish: the CTIA keywords carriers honour (ALTO, PARA) and the usual others.
  'alto',
  'para',
  'parar',
  'basta',
  'detener',
  'cancelar',
  'baja',
] as const;

const KEYWORDS: ReadonlySet<string> = new Set(OPT_OUT_KEYWORDS);

const LEADING_FILLER: ReadonlySet<string> = new Set([
  'please',
  'pls',
  'plz',
  'ok',
  'okay',
  'just',
  'por',
  'favor',
  'porfa',
  'ya',
]);

const TRAILING_FILLER: ReadonlySet<string> = new Set(
  (
    'all me us please pls plz now thanks thank you ty thx it this that texting texts text txt txts messaging messages ' +
    'message msgs msg sms sending contacting calling consent subscription from the list out of here ' +
    'ya por favor porfa gracias de los mensajes mensaje textos mas me ahora'
  ).split(' '),
);

// A keyword counts on its own only in a short clause; in a long one it is a conversation ("End of day works").
const MAX_CLAUSE_WORDS = 8;

const NEGATION = String.raw`(?<!\b(?:dont|do not|never|not) )`;

/** Clear revocations, wherever they stand in a message. Matched on normalised words (see normalize). */
const OPT_OUT_PHRASES: readonly RegExp[] = [
  new RegExp(
    `${NEGATION}\\b(?:stop|quit|cease)(?! by\\b)(?: \\w+){0,2} (?:texting|txting|messaging|sending|contacting|calling|emailing|` +
      'spamming|receiving|getting|texts?|txts?|messages?|msgs?|sms|emails?)\\b',
  ),
  /\b(?:remove|take|delete|drop|unsubscribe|opt) (?:me|us|my number) (?:from|off|out)\b/,
  /\b(?:remove|delete|lose|erase) (?:my|this) (?:number|phone number|contact|info|information)\b/,
  /\b(?:do not|dont|never) (?:text|txt|message|sms|contact|email|send) (?:me|us|this number|anymore|again|here)\b/,
  /\bno more (?:texts?|txts?|messages?|msgs?|sms|emails?)\b/,
  /\b(?:unsubscribe|unsub|optout)\b/,
  /\bno (?:me )?(?:envies|envien|mandes|manden|escribas|escriban|textees|texteen|contactes|contacten)\b/,
  /\bno (?:quiero )?mas (?:mensajes|textos|sms|correos)\b/,
  /\b(?:dejen|deja|dejar|dejes) de (?:escribirme|enviarme|mandarme|contactarme|llamarme|textearme|enviar|mandar|escribir)\b/,
  /\b(?:quitenme|quitame|sacame|saquenme|borrenme|borrame|eliminenme|eliminame) de\b/,
  /\b(?:darme|dame|denme|dar) de baja\b/,
  /\bcancelar (?:la |mi )?suscripcion\b/,
];

/** Wording that may be a revocation: a rep confirms before any automated text goes out again. */
const MAYBE_PHRASES: readonly RegExp[] = [
  /\bleave (?:me|us) alone\b/,
  /\bwrong (?:number|person|#)\b/,
  /\bnot interested\b/,
  new RegExp(`${NEGATION}\\bstop\\b(?! (?:by|in|over|at)\\b)`),
  /\b(?:dejame|dejenme) en paz\b/,
  /\bnumero equivocado\b/,
  /\bno me interesa\b/,
];

/** What an inbound text means for consent. */
export function classifyReply(body: string | null | undefined): ReplyClass {
  const clauses = normalize(body ?? '');
  if (clauses.length === 0) return { kind: 'none', matched: null };
  for (const words of clauses) if (isKeywordClause(words)) return { kind: 'opt-out', matched: words.join(' ') };
  const text = clauses.map((words) => words.join(' ')).join(' | ');
  for (const phrase of OPT_OUT_PHRASES) {
    const hit = phrase.exec(text);
    if (hit) return { kind: 'opt-out', matched: hit[0] };
  }
  for (const phrase of MAYBE_PHRASES) {
    const hit = phrase.exec(text);
    if (hit) return { kind: 'maybe', matched: hit[0] };
  }
  return { kind: 'none', matched: null };
}

/** Whether `body` is a clear opt-out. */
export function isOptOut(body: string | null | undefined): boolean {
  return classifyReply(body).kind === 'opt-out';
}

function isKeywordClause(words: string[]): boolean {
  if (words.length === 0 || words.length > MAX_CLAUSE_WORDS) return false;
  let index = 0;
  while (index < words.length - 1 && LEADING_FILLER.has(words[index] ?? '')) index += 1;
  const first = words[index];
  if (first === undefined || !KEYWORDS.has(first)) return false;
  return words.slice(index + 1).every((word) => KEYWORDS.has(word) || TRAILING_FILLER.has(word));
}

/**
 * Clauses (split at sentence punctuation) of lower-case words without accents or apostrophes, with "opt out"
 * fused into one keyword. Case, emoji, full-width letters and "opt-out"/"opt out" spellings are tolerated.
 */
function normalize(body: string): string[][] {
  const plain = body.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’`]/g, '');
  const clauses: string[][] = [];
  for (const clause of plain.split(/[.!?;,\n¡¿]+/u)) {
    const fused: string[] = [];
    for (const word of clause.split(/[^\p{L}\p{N}#]+/u)) {
      if (word === '') continue;
      if (fused[fused.length - 1] === 'opt' && word === 'out') fused[fused.length - 1] = 'optout';
      else fused.push(word);
    }
    if (fused.length > 0) clauses.push(fused);
  }
  return clauses;
}
