/**
 * What a reply to Ringback's texts asks for, read by rules (no AI service): the same words always give the same
 * class, every rule can be read and argued with, and nothing about the caller leaves the server.
 *
 * Order matters and follows cost: consent first (h4's classifier in opt-out.ts decides it, on every path), then
 * danger, then a person who is not the caller, then a possible opt-out (held for a rep), then what the caller wants.
 * A reply that both books and asks a price is `book`: the rep calls either way, and the task says both
 * (`alsoPrice`). How well each rule does is measured on test/fixtures/triage/replies.jsonl (`npm run triage:eval`);
 * a class whose precision there is under 0.95 does not act alone (triage-gates.ts).
 */
import { classifyReply } from './opt-out.js';

export const TRIAGE_CLASSES = ['emergency', 'book', 'price', 'wrong-number', 'opt-out', 'other'] as const;
export type TriageClass = (typeof TRIAGE_CLASSES)[number];

export interface Triage {
  class: TriageClass;
  /** The words that decided it (normalised), for the timeline and the task; null for `other`. */
  matched: string | null;
  /** For `opt-out`: a clear revocation, or wording a rep confirms first (compliance rules). */
  optOut?: 'opt-out' | 'maybe';
  /** For `book`: the reply asks a price too. */
  alsoPrice?: boolean;
}

// Calm-downs that cancel an emergency word: "no rush, not urgent", "no es urgente".
const NOT_URGENT =
  /\b(?:not|no|nothing|isnt|its not|not an?|no es|nada|sin) (?:urgent|urgente|emergency|emergencia|an emergency|una emergencia|rush|prisa)\b/;

const EMERGENCY: readonly RegExp[] = [
  /\b(?:emergency|emergencia|urgent|urgente|urgently|911)\b/,
  /\b(?:flood(?:ing|ed)?|inundad[oa]s?|inundacion|inundando|se (?:esta )?inunda)\b/,
  /\b(?:burst|busted|broken|bursting) (?:pipe|pipes|water line|water main|main)\b/,
  /\bpipes? (?:burst|bursted|broke|exploded)\b/,
  /\bwater (?:everywhere|pouring|gushing|coming through)\b/,
  /\b(?:tuberia|tubo|cano) (?:rota|roto|reventada|reventado|se rompio|se reviento)\b/,
  /\bse (?:rompio|reviento|revento) (?:la |el )?(?:tuberia|tubo|cano)\b/,
  /\bagua por todos lados\b/,
  /\b(?:gas leak|smell(?:s|ing)? gas|smell of gas|fuga de gas|huele a gas|olor a gas)\b/,
  /\b(?:on fire|caught fire|smoke coming|sparks?|sparking|incendio|humo|chispas)\b/,
  /\b(?:chest pains?|cant breathe|can not breathe|cannot breathe|bleeding|unconscious|passed out|fainted|choking)\b/,
  /\b(?:dolor (?:de|en el) pecho|no puedo respirar|sangrando|desmayo|se desmayo)\b/,
  /\b(?:no heat|heat (?:is )?out|furnace (?:died|is out|out)) .*\b(?:baby|infant|elderly|freezing)\b/,
  /\b(?:sewage|sewer) (?:is )?(?:backing up|backup|backed up|everywhere)\b/,
];

const WRONG_NUMBER: readonly RegExp[] = [
  /\b(?:wrong|wrng|wromg) (?:number|numb|person|phone|guy|girl)\b|\bwrong #/,
  /\b(?:misdial|misdialed|pocket dial|pocket dialed|butt dial|butt dialed)\b/,
  /\b(?:didnt|did not) mean to (?:call|dial)\b|\baccidentally (?:called|dialed)\b/,
  /\b(?:you have|you got|youve got|u have|u got) the wrong\b/,
  /\b(?:i|we) (?:didnt|did not|never) (?:call|called|phone)\b/,
  /\bnever called (?:you|u|this|your)\b/,
  /\b(?:who|whom) (?:are you|r u|is this)\b.*\b(?:dont know|never heard|didnt call|not me)\b/,
  /\bthis (?:isnt|is not) the right (?:number|person)\b/,
  /\b(?:numero equivocado|equivocado de numero|se equivoco de numero|se equivocaron de numero|equivocacion)\b/,
  /\b(?:yo no|nunca) (?:les |le |te )?(?:llame|marque|he llamado)\b/,
  /\bno soy (?:\w+ )?(?:el|la|quien)\b/,
];

const BOOK: readonly RegExp[] = [
  /\b(?:book|booking|booked|schedule|scheduling|reschedule|appointment|appt|appts|reserve)\b/,
  /\b(?:set up|setup|get) (?:a |an )?(?:time|visit|estimate visit|someone out)\b/,
  /\b(?:can|could|would|when can|how soon can) (?:you|u|someone|somebody|a tech|your tech|you guys|yall) (?:come|stop by|swing by|get out|be here|make it)\b/,
  /\b(?:come|stop|swing) (?:out|by|over) (?:today|tomorrow|tmrw|tmr|this|on|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next|at|\d)/,
  /\b(?:are you|r u|is anyone|anyone) (?:available|open|free)\b/,
  /\b(?:earliest|next) (?:availability|available|opening|slot)\b/,
  /\b(?:anything|something) (?:open|available) (?:today|tomorrow|this|next|on|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/,
  /\bcome in for\b/,
  /\bwhat (?:times?|days?|slots?) (?:do you have|are (?:open|available)|works?)\b/,
  /\b(?:works? for me|that works|i can do|im free|i am free)\b.*\b(?:\d|am|pm|morning|afternoon|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday)\b/,
  /\b(?:tomorrow|monday|tuesday|wednesday|thursday|friday|saturday) (?:at |around |after |before )?\d{1,2}(?::\d\d)?\s*(?:am|pm)?\b.*\b(?:works?|ok|good|fine|please)\b/,
  /\b(?:cita|agendar|agenda|reservar|programar|apartar)\b/,
  /\b(?:pueden|puede|podrian|podria) (?:venir|pasar|mandar a alguien)\b/,
  /\b(?:tienen|tiene|hay) (?:disponibilidad|espacio|horario)\b/,
  /\b(?:manana|el lunes|el martes|el miercoles|el jueves|el viernes|el sabado) (?:a las|en la) \w+\b.*\b(?:bien|puedo|me sirve|esta bien)\b/,
  /\b(?:send|resend|text) (?:me )?(?:the |that |your )?(?:booking |scheduling )?link\b/,
];

const PRICE: readonly RegExp[] = [
  /\bhow much (?!longer|time\b)/,
  /\b(?:price|prices|pricing|cost|costs|quote|quotes|estimate|estimates|rates?|fees?|charges?|ballpark|budget)\b/,
  /\bwhat (?:do|would|will) (?:you|u|yall|you guys) charge\b/,
  /\$\s?\d|\b\d+\s?(?:dollars|bucks)\b/,
  /\b(?:cuanto|cuanta) (?:cuesta|cuestan|cobran|cobra|sale|seria|es|me sale|me cobran|vale)\b/,
  /\b(?:precio|precios|costo|costos|cotizacion|presupuesto|tarifa|tarifas|estimado)\b/,
  /\b(?:financing|financiamiento|payment plans?|insurance cover)\b/,
];

/** What a reply asks for. */
export function triageReply(body: string | null | undefined): Triage {
  const consent = classifyReply(body);
  if (consent.kind === 'opt-out') return { class: 'opt-out', matched: consent.matched, optOut: 'opt-out' };
  const text = normalize(body ?? '');
  if (text === '') return { class: 'other', matched: null };
  if (!NOT_URGENT.test(text)) {
    const hit = firstMatch(EMERGENCY, text);
    if (hit) return { class: 'emergency', matched: hit };
  }
  const wrong = firstMatch(WRONG_NUMBER, text);
  if (wrong) return { class: 'wrong-number', matched: wrong };
  if (consent.kind === 'maybe') return { class: 'opt-out', matched: consent.matched, optOut: 'maybe' };
  const book = firstMatch(BOOK, text);
  const price = firstMatch(PRICE, text);
  if (book) return price ? { class: 'book', matched: book, alsoPrice: true } : { class: 'book', matched: book };
  if (price) return { class: 'price', matched: price };
  return { class: 'other', matched: null };
}

function firstMatch(rules: readonly RegExp[], text: string): string | null {
  for (const rule of rules) {
    const hit = rule.exec(text);
    if (hit) return hit[0].trim();
  }
  return null;
}

/** Lower case, no accents or apostrophes, punctuation and emoji as spaces ($ and # kept: "$200", "wrong #"). */
function normalize(body: string): string {
  return body
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}$#:]+/gu, ' ')
    .trim();
}
