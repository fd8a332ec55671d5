/**
 * Whether an inbound text revokes consent (FCC 24-18: stop, quit, end, revoke, opt out, cancel, unsubscribe).
 *
 * A reply counts when it is essentially the keyword: the keyword first (after an optional "please"), followed
 * only by filler such as "me", "please", "now", "texting". "Stop", "STOP!!", "opt-out", "Unsubscribe me" and
 * "please stop texting me" revoke; "Don't stop", "Cancel my appointment" and "Can you stop by at 3?" do not. The
 * filler list errs towards revoking: a missed opt-out costs $500 a text, a false one costs a follow-up.
 */

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
] as const;

const KEYWORDS: ReadonlySet<string> = new Set(OPT_OUT_KEYWORDS);

const LEADING_FILLER: ReadonlySet<string> = new Set(['please', 'pls', 'plz', 'ok', 'okay']);

const TRAILING_FILLER: ReadonlySet<string> = new Set([
  'all',
  'me',
  'us',
  'please',
  'pls',
  'plz',
  'now',
  'thanks',
  'thank',
  'you',
  'ty',
  'thx',
  'it',
  'this',
  'that',
  'texting',
  'texts',
  'text',
  'txt',
  'txts',
  'messaging',
  'messages',
  'message',
  'msgs',
  'msg',
  'sms',
  'sending',
  'contacting',
  'calling',
  'consent',
  'subscription',
  'from',
  'the',
  'list',
  'out',
  'of',
  'here',
]);

// A revocation is short; a long message that happens to start with "End" is a conversation.
const MAX_WORDS = 8;

/** Whether `body` (an inbound SMS) is an opt-out. Case, punctuation, emoji and "opt-out"/"opt out" spellings are tolerated. */
export function isOptOut(body: string | null | undefined): boolean {
  const words = normalizeWords(body ?? '');
  if (words.length === 0 || words.length > MAX_WORDS) return false;
  let index = 0;
  while (index < words.length && LEADING_FILLER.has(words[index] ?? '')) index += 1;
  const first = words[index];
  if (first === undefined || !KEYWORDS.has(first)) return false;
  return words.slice(index + 1).every((word) => KEYWORDS.has(word) || TRAILING_FILLER.has(word));
}

// Lower-cased words with "opt out"/"stop all"/"unsubscribe all" variants fused into one keyword each.
function normalizeWords(body: string): string[] {
  const words = body
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  const fused: string[] = [];
  for (const word of words) {
    const previous = fused[fused.length - 1];
    if (previous === 'opt' && word === 'out') fused[fused.length - 1] = 'optout';
    else fused.push(word);
  }
  return fused;
}
