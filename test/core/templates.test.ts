import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  findTemplateVariables,
  hasUnbalancedBraces,
  renderTemplate,
  smsSegments,
  TEMPLATE_VARIABLES,
  unknownVariables,
} from '../../src/core/templates.js';

describe('findTemplateVariables / unknownVariables', () => {
  it('lists every variable once, in order, tolerating spaces inside the braces', () => {
    const text = 'Hi {{contact.firstName}}, {{ bookingLink }} {{source}} {{contact.firstName}}';
    expect(findTemplateVariables(text)).toEqual(['contact.firstName', 'bookingLink', 'source']);
    expect(unknownVariables(text)).toEqual([]);
  });

  it('accepts each of the seven documented variables', () => {
    for (const name of TEMPLATE_VARIABLES) expect(unknownVariables(`x {{${name}}} y`)).toEqual([]);
    expect(TEMPLATE_VARIABLES).toEqual([
      'contact.firstName',
      'contact.name',
      'bookingLink',
      'source',
      'business.name',
      'rep.name',
      'business.address',
    ]);
  });

  it('reports undocumented names, case variants and prototype keys as unknown', () => {
    const text =
      '{{contact.lastName}} {{Contact.FirstName}} {{constructor}} {{__proto__}} {{toString}} {{contact}} {{}} {{hasOwnProperty}}';
    expect(unknownVariables(text)).toEqual([
      'contact.lastName',
      'Contact.FirstName',
      'constructor',
      '__proto__',
      'toString',
      'contact',
      '',
      'hasOwnProperty',
    ]);
  });

  it('finds nothing in plain text', () => {
    expect(findTemplateVariables('no variables { here } at all')).toEqual([]);
  });

  it('flags unclosed or stray braces', () => {
    expect(hasUnbalancedBraces('Hi {{contact.firstName')).toBe(true);
    expect(hasUnbalancedBraces('Hi contact.firstName}}')).toBe(true);
    expect(hasUnbalancedBraces('Hi {{contact.firstName}} {single}')).toBe(false);
  });
});

describe('renderTemplate', () => {
  const vars = {
    'contact.firstName': 'Ana',
    'contact.name': 'Ana Lopez',
    bookingLink: 'https://example.com/book',
    source: 'Facebook Ad Caller',
    'business.name': 'Acme Plumbing',
    'rep.name': 'Sam',
  };

  it('fills every documented variable', () => {
    const text =
      'Hi {{contact.firstName}} ({{contact.name}}), {{business.name}} / {{rep.name}} via {{source}}: {{ bookingLink }}';
    expect(renderTemplate(text, vars, { html: false })).toBe(
      'Hi Ana (Ana Lopez), Acme Plumbing / Sam via Facebook Ad Caller: https://example.com/book',
    );
  });

  it('falls back to friendly words when values are missing or blank', () => {
    const text = 'Hi {{contact.firstName}}! {{business.name}}, {{rep.name}}, {{source}}, [{{bookingLink}}]';
    expect(renderTemplate(text, {}, { html: false })).toBe('Hi there! our team, our team, unknown source, []');
    expect(renderTemplate('Hi {{contact.firstName}}', { 'contact.firstName': '   ' }, { html: false })).toBe(
      'Hi there',
    );
    expect(renderTemplate('Hi {{contact.firstName}}', { 'contact.firstName': null }, { html: false })).toBe('Hi there');
  });

  it('borrows the other name when only one of first name and full name is known', () => {
    expect(renderTemplate('{{contact.firstName}}', { 'contact.name': 'Ana Lopez' }, { html: false })).toBe('Ana');
    expect(renderTemplate('{{contact.name}}', { 'contact.firstName': 'Ana' }, { html: false })).toBe('Ana');
    expect(renderTemplate('{{contact.name}}', {}, { html: false })).toBe('there');
  });

  it('never resolves prototype or undocumented names, even when the values object carries them', () => {
    const tricky = { ...vars, constructor: 'BAD', 'contact.lastName': 'BAD' } as Record<string, string>;
    const out = renderTemplate('[{{constructor}}][{{__proto__}}][{{toString}}][{{contact.lastName}}]', tricky, {
      html: false,
    });
    expect(out).toBe('[][][][]');
  });

  it('does not read inherited values', () => {
    const inherited = Object.create({ 'contact.firstName': 'Inherited' }) as Record<string, string>;
    expect(renderTemplate('Hi {{contact.firstName}}', inherited, { html: false })).toBe('Hi there');
  });

  it('expands in one pass: a value containing braces is not expanded again', () => {
    const out = renderTemplate(
      'Hi {{contact.firstName}}',
      { 'contact.firstName': '{{business.name}}' },
      { html: false },
    );
    expect(out).toBe('Hi {{business.name}}');
  });

  it('escapes every interpolated value in html mode and leaves the owner markup alone', () => {
    const out = renderTemplate(
      '<p>Hi {{contact.firstName}} from {{source}}</p>',
      { 'contact.firstName': '<script>alert("x")</script>', source: "Tom's & Jerry's" },
      { html: true },
    );
    expect(out).toBe('<p>Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; from Tom&#39;s &amp; Jerry&#39;s</p>');
  });

  it('does not escape in plain mode', () => {
    expect(renderTemplate('{{source}}', { source: 'A & B <x>' }, { html: false })).toBe('A & B <x>');
  });

  it('escapes quotes in a booking link used inside an href and drops non-http links', () => {
    const html = '<a href="{{bookingLink}}">Book</a>';
    expect(renderTemplate(html, { bookingLink: 'https://x.test/?a=1&b="2"' }, { html: true })).toBe(
      '<a href="https://x.test/?a=1&amp;b=&quot;2&quot;">Book</a>',
    );
    expect(renderTemplate(html, { bookingLink: 'javascript:alert(1)' }, { html: true })).toBe('<a href="">Book</a>');
  });
});

describe('escapeHtml', () => {
  it('escapes the five significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});

describe('smsSegments', () => {
  it('counts an empty text as no segment', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', segments: 0, characters: 0 });
  });

  it('fits 160 GSM-7 characters in one segment and splits 161 into two of 153', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, characters: 160 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, characters: 161 });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts extension-table characters as two septets', () => {
    expect(smsSegments('€')).toEqual({ encoding: 'GSM-7', segments: 1, characters: 2 });
    expect(smsSegments('{}[]~^|\\')).toMatchObject({ encoding: 'GSM-7', characters: 16 });
    expect(smsSegments('a'.repeat(158) + '€')).toMatchObject({ segments: 1, characters: 160 });
    expect(smsSegments('a'.repeat(159) + '€')).toMatchObject({ segments: 2, characters: 161 });
  });

  it('never splits an escape sequence across segments', () => {
    // 152 septets then a 2-septet character: it cannot share the first 153-septet segment.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(10);
    expect(smsSegments(text)).toMatchObject({ characters: 164, segments: 2 });
    // 306 septets would fit two segments if the escape could be split; it cannot, so the last "a" needs a third.
    expect(smsSegments('a'.repeat(152) + '€' + 'a'.repeat(151))).toMatchObject({ characters: 305, segments: 2 });
    expect(smsSegments('a'.repeat(152) + '€' + 'a'.repeat(152))).toMatchObject({ characters: 306, segments: 3 });
  });

  it('treats GSM accented letters as GSM-7 and other characters as UCS-2', () => {
    expect(smsSegments('Café à Ñandú? ¿Sí!').encoding).toBe('UCS-2'); // í and ú are not in GSM-7
    expect(smsSegments('é è ù ì ò Ç Ø å Ä Ö Ñ Ü ß £ ¥ §').encoding).toBe('GSM-7');
    expect(smsSegments('We’ll call you').encoding).toBe('UCS-2'); // curly apostrophe
  });

  it('fits 70 UCS-2 units in one segment and splits 71 into two of 67', () => {
    expect(smsSegments('ж'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1, characters: 70 });
    expect(smsSegments('ж'.repeat(71))).toEqual({ encoding: 'UCS-2', segments: 2, characters: 71 });
    expect(smsSegments('ж'.repeat(134)).segments).toBe(2);
    expect(smsSegments('ж'.repeat(135)).segments).toBe(3);
  });

  it('counts an emoji as two UCS-2 units and does not split it', () => {
    expect(smsSegments('👍')).toEqual({ encoding: 'UCS-2', segments: 1, characters: 2 });
    expect(smsSegments('a'.repeat(66) + '👍' + 'a'.repeat(10))).toMatchObject({ characters: 78, segments: 2 });
    expect(smsSegments('a'.repeat(66) + '👍' + 'a'.repeat(66))).toMatchObject({ characters: 134, segments: 3 });
  });

  it('counts the default apology text as plain GSM-7', () => {
    const text =
      "Hi Ana, it's Bright Smile Dental. Sorry we missed your call! We'll call you back within 15 min, or book a time: https://example.com/book Reply STOP to opt out";
    expect(smsSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
});
