/**
 * Message templates: `{{contact.firstName}}`-style variables, rendering, and SMS segment counting.
 *
 * Variables are looked up by exact name in a closed list, never by walking properties of an object: a template
 * is owner-written text, and `{{constructor}}` or `{{__proto__.x}}` must not reach anything.
 */

export const TEMPLATE_VARIABLES = [
  'contact.firstName',
  'contact.name',
  'bookingLink',
  'source',
  'business.name',
  'rep.name',
  // The location's postal address from GHL (CAN-SPAM footer of emails; docs/compliance-signals.md).
  'business.address',
] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** Values for one rendering; missing, null or blank values fall back to the words in FALLBACKS. */
export type TemplateValues = Partial<Record<TemplateVariable, string | null | undefined>>;

const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_VARIABLES);

// Chosen so a text still reads naturally when GHL has no value ("Hi there"); each contact name falls back to
// the other one before these.
const FALLBACKS: Record<TemplateVariable, string> = {
  'contact.firstName': 'there',
  'contact.name': 'there',
  bookingLink: '',
  source: 'unknown source',
  'business.name': 'our team',
  'rep.name': 'our team',
  // Never invented: an email whose footer needs it is refused on save and skipped at send while it is empty.
  'business.address': '',
};

// `{{ name }}` with optional spaces; braces inside the name are not allowed, so `{{{x}}}` finds `x`.
const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function isTemplateVariable(name: string): name is TemplateVariable {
  return KNOWN.has(name);
}

/** The variable names used in `text`, in order of appearance, each once. */
export function findTemplateVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(VARIABLE)) names.add(match[1] ?? '');
  return [...names];
}

/** The variable names in `text` that are not in TEMPLATE_VARIABLES (an empty `{{}}` reports ""). */
export function unknownVariables(text: string): string[] {
  return findTemplateVariables(text).filter((name) => !isTemplateVariable(name));
}

/**
 * Whether `text` has a `{{` with no closing `}}` (or the reverse): such text would go out with raw braces,
 * which is almost always a typo in a variable.
 */
export function hasUnbalancedBraces(text: string): boolean {
  const rest = text.replace(VARIABLE, '');
  return rest.includes('{{') || rest.includes('}}');
}

export interface RenderOptions {
  /** Escape every interpolated value for HTML (email bodies). Owner-written markup around it is kept. */
  html: boolean;
}

/** Renders `text` in one pass: values that themselves contain `{{...}}` are never expanded again. */
export function renderTemplate(text: string, vars: TemplateValues, options: RenderOptions): string {
  return text.replace(VARIABLE, (_whole, name: string) => {
    // Validation rejects unknown variables; should one slip through, an empty string reads better than braces.
    const value = isTemplateVariable(name) ? resolveValue(name, vars) : '';
    return options.html ? escapeHtml(value) : value;
  });
}

function resolveValue(name: TemplateVariable, vars: TemplateValues): string {
  const given = present(vars, name);
  if (name === 'bookingLink') return given !== null && isHttpUrl(given) ? given : FALLBACKS.bookingLink;
  if (given !== null) return given;
  if (name === 'contact.firstName') return firstWord(present(vars, 'contact.name')) ?? FALLBACKS[name];
  if (name === 'contact.name') return present(vars, 'contact.firstName') ?? FALLBACKS[name];
  return FALLBACKS[name];
}

function present(vars: TemplateValues, name: TemplateVariable): string | null {
  const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function firstWord(text: string | null): string | null {
  return text?.split(/\s+/)[0] ?? null;
}

// A booking link ends up in an href: anything but http(s) (javascript:, data:) is dropped, not escaped.
function isHttpUrl(text: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(text);
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

// GSM 03.38 basic character set (without the escape code itself) and its extension table, whose characters
// take two septets (escape + character).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2 (an emoji counts 2). */
  characters: number;
}

/** How carriers will split `text`: 160/153 septets per segment in GSM-7, 70/67 code units in UCS-2. */
export function smsSegments(text: string): SmsSegments {
  const chars = [...text];
  const isGsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
  // Each entry is the size of one unit that must not be split across two segments.
  const units = isGsm ? chars.map((c) => (GSM_EXTENSION.has(c) ? 2 : 1)) : chars.map((c) => c.length);
  const single = isGsm ? 160 : 70;
  const multi = isGsm ? 153 : 67;
  const characters = units.reduce((sum, size) => sum + size, 0);
  return { encoding: isGsm ? 'GSM-7' : 'UCS-2', segments: countSegments(units, characters, single, multi), characters };
}

function countSegments(units: number[], total: number, single: number, multi: number): number {
  if (total === 0) return 0;
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of units) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return segments;
}
