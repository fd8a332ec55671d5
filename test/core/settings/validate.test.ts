import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/core/settings/schema.js';
import { formatPath, type SettingsProblem, validateSettings } from '../../../src/core/settings/validate.js';

// Tests break documents in every way the type would forbid.
// biome-ignore lint/suspicious/noExplicitAny: a deliberately untyped document
type Doc = Record<string, any>;

function doc(mutate: (d: Doc) => void = () => {}): Doc {
  const d = structuredClone(defaultSettings({ bookingLink: 'https://example.com/book' })) as Doc;
  mutate(d);
  return d;
}

function problems(input: unknown, knownUserIds?: string[]): SettingsProblem[] {
  const result = validateSettings(input, knownUserIds ? { knownUserIds } : {});
  return result.ok ? [] : result.problems;
}

function paths(input: unknown, knownUserIds?: string[]): string[] {
  return problems(input, knownUserIds).map((p) => p.path);
}

describe('validateSettings', () => {
  it('accepts the defaults and returns the parsed settings', () => {
    const result = validateSettings(doc(), { knownUserIds: [] });
    expect(result).toEqual({ ok: true, settings: doc() });
  });

  it('applies the optional-inside-items defaults in the returned settings', () => {
    const result = validateSettings(
      doc((d) => {
        d.sources = [{ trackingNumber: '+15550001111', tag: 'Ads' }];
      }),
      {},
    );
    expect(result.ok && result.settings.sources[0]).toEqual({
      trackingNumber: '+15550001111',
      tag: 'Ads',
      highValue: false,
      messages: {},
      assignTo: [],
    });
  });

  it('lists every problem of a document at once, each with its path', () => {
    const input = doc((d) => {
      d.timezone = 'Mars/Base';
      d.bookingLink = 'ftp://example.com';
      d.sequence[0].message = 'Hi {{contact.lastName}}';
      d.sequence[1].after = '15 minutes';
      d.sequence[1].body = 'Notes {{secret}}';
      d.sequence[2].html = '<p>{{contact.email}}</p>';
      d.sequence[2].subject = '{{ constructor }}';
      d.sequence[3].id = 'apology-sms';
      d.sources = [
        {
          trackingNumber: '555-000-1111',
          tag: 'FB',
          messages: { 'apology-sms': 'Hey {{foo}}', ghost: 'x' },
          assignTo: ['u9'],
        },
      ];
      d.routing = { userIds: ['u1', 'u2'], rules: [{ ifTag: 'Service', userIds: ['u3'] }] };
      d.escalation = { afterMissedConnections: 0, withinDays: 0, managerUserId: 'boss' };
      d.sendWindow = { start: '21:00', end: '08:00', maxTouchesPer24h: 11 };
      d.digest = { enabled: true, at: '8am', recipients: ['owner@example.com', 'not-an-email'] };
    });
    expect(paths(input, ['u1']).sort()).toEqual(
      [
        'timezone',
        'bookingLink',
        'sequence[0].message',
        'sequence[1].after',
        'sequence[1].body',
        'sequence[2].html',
        'sequence[2].subject',
        'sequence[3].id',
        'sources[0].trackingNumber',
        'sources[0].messages["apology-sms"]',
        'sources[0].messages.ghost',
        'sources[0].assignTo[0]',
        'routing.userIds[1]',
        'routing.rules[0].userIds[0]',
        'escalation.afterMissedConnections',
        'escalation.withinDays',
        'escalation.managerUserId',
        'sendWindow.end',
        'sendWindow.maxTouchesPer24h',
        'digest.at',
        'digest.recipients[1]',
      ].sort(),
    );
  });

  it('says which variable is unknown and which ones are allowed', () => {
    const [problem] = problems(
      doc((d) => {
        d.sequence[0].message = 'Hi {{contact.lastName}}';
      }),
    );
    expect(problem?.path).toBe('sequence[0].message');
    expect(problem?.message).toContain('{{contact.lastName}}');
    expect(problem?.message).toContain('{{contact.firstName}}');
  });

  it.each([
    [
      'sms message',
      (d: Doc) => {
        d.sequence[0].message = '{{__proto__}}';
      },
      'sequence[0].message',
    ],
    [
      'task title',
      (d: Doc) => {
        d.sequence[1].title = 'Call {{contact.phone}}';
      },
      'sequence[1].title',
    ],
    [
      'task body',
      (d: Doc) => {
        d.sequence[1].body = '{{toString}}';
      },
      'sequence[1].body',
    ],
    [
      'email subject',
      (d: Doc) => {
        d.sequence[2].subject = '{{business.phone}}';
      },
      'sequence[2].subject',
    ],
    [
      'email html',
      (d: Doc) => {
        d.sequence[2].html = '<p>{{ rep.email }}</p>';
      },
      'sequence[2].html',
    ],
    [
      'source message',
      (d: Doc) => {
        d.sources = [{ trackingNumber: '+15550001111', tag: 'x', messages: { 'final-sms': '{{x}}' } }];
      },
      'sources[0].messages["final-sms"]',
    ],
    [
      'unclosed braces',
      (d: Doc) => {
        d.sequence[0].message = 'Hi {{contact.firstName';
      },
      'sequence[0].message',
    ],
  ])('rejects an unknown variable in a %s', (_what, mutate, path) => {
    expect(paths(doc(mutate))).toEqual([path]);
  });

  it.each(['PT', '15m', 'PT1.5H', 'P1M', 'P1Y', '', 'PT-1M'])('rejects the duration %j', (after) => {
    expect(
      paths(
        doc((d) => {
          d.sequence[1].after = after;
        }),
      ),
    ).toEqual(['sequence[1].after']);
  });

  it('checks every duration field', () => {
    const input = doc((d) => {
      d.sequence[1].dueIn = 'soon';
      d.highValue.callbackWithin = '5 minutes';
    });
    expect(paths(input).sort()).toEqual(['highValue.callbackWithin', 'sequence[1].dueIn']);
  });

  it.each(['+15550001111', '+442071234567', '+1234567'])('accepts the E.164 number %s', (trackingNumber) => {
    expect(
      paths(
        doc((d) => {
          d.sources = [{ trackingNumber, tag: 'x' }];
        }),
      ),
    ).toEqual([]);
  });

  it.each(['15550001111', '+1 555 000 1111', '+05550001111', '+123456', '+1234567890123456', '(555) 000-1111'])(
    'rejects the tracking number %j',
    (trackingNumber) => {
      expect(
        paths(
          doc((d) => {
            d.sources = [{ trackingNumber, tag: 'x' }];
          }),
        ),
      ).toEqual(['sources[0].trackingNumber']);
    },
  );

  it('rejects a tracking number mapped twice', () => {
    const input = doc((d) => {
      d.sources = [
        { trackingNumber: '+15550001111', tag: 'a' },
        { trackingNumber: '+15550002222', tag: 'b' },
        { trackingNumber: '+15550001111', tag: 'c' },
      ];
    });
    expect(problems(input)).toEqual([
      { path: 'sources[2].trackingNumber', message: 'is already mapped by another source ("a")' },
    ]);
  });

  it('checks user ids against the location users only when they are given', () => {
    const input = doc((d) => {
      d.routing = { userIds: ['u1', 'ghost'], rules: [{ ifTag: 't', userIds: ['u2', 'ghost2'] }] };
      d.sources = [{ trackingNumber: '+15550001111', tag: 'x', assignTo: ['ghost3'] }];
      d.escalation.managerUserId = 'ghost4';
    });
    expect(paths(input)).toEqual([]);
    expect(paths(input, ['u1', 'u2'])).toEqual([
      'routing.userIds[1]',
      'routing.rules[0].userIds[1]',
      'sources[0].assignTo[0]',
      'escalation.managerUserId',
    ]);
    expect(problems(input, ['u1', 'u2'])[0]?.message).toBe('"ghost" is not a user of this location');
    expect(
      paths(
        doc((d) => {
          d.escalation.managerUserId = null;
        }),
        [],
      ),
    ).toEqual([]);
  });

  describe('send window', () => {
    const window = (start: string, end: string) =>
      doc((d) => {
        d.sendWindow = { start, end, maxTouchesPer24h: 3 };
      });

    it('accepts the federal window and a window of one minute inside it', () => {
      expect(paths(window('08:00', '21:00'))).toEqual([]);
      expect(paths(window('12:00', '12:01'))).toEqual([]);
    });

    it('refuses a window wider than 08:00-21:00, naming the law at the field', () => {
      expect(problems(window('07:00', '22:00'))).toEqual([
        { path: 'sendWindow.start', message: expect.stringMatching(/^must be 08:00 or later: federal law \(TCPA/) },
        { path: 'sendWindow.end', message: expect.stringMatching(/^must be 21:00 or earlier: federal law \(TCPA/) },
      ]);
      expect(paths(window('08:00', '24:00'))).toEqual(['sendWindow.end']);
      expect(paths(window('00:00', '21:00'))).toEqual(['sendWindow.start']);
    });

    it('rejects an end that is not after the start', () => {
      expect(paths(window('21:00', '08:00'))).toEqual(['sendWindow.end']);
      expect(paths(window('08:00', '08:00'))).toEqual(['sendWindow.end']);
    });

    it('rejects times that are not HH:MM, and 24:00 as a start', () => {
      expect(paths(window('8:00', '21:00'))).toEqual(['sendWindow.start']);
      expect(paths(window('24:00', '20:00'))).toEqual(['sendWindow.start']);
      expect(paths(window('08:00', '24:30'))).toEqual(['sendWindow.end']);
      expect(paths(window('08:00', '21:60'))).toEqual(['sendWindow.end']);
    });

    it.each([0, 11, 2.5, -1, '3'])('rejects maxTouchesPer24h %j', (max) => {
      expect(
        paths(
          doc((d) => {
            d.sendWindow.maxTouchesPer24h = max;
          }),
        ),
      ).toEqual(['sendWindow.maxTouchesPer24h']);
    });

    it.each([1, 10])('accepts maxTouchesPer24h %j', (max) => {
      expect(
        paths(
          doc((d) => {
            d.sendWindow.maxTouchesPer24h = max;
          }),
        ),
      ).toEqual([]);
    });
  });

  it('rejects duplicate step ids, naming the first holder', () => {
    expect(
      problems(
        doc((d) => {
          d.sequence[2].id = 'apology-sms';
        }),
      ),
    ).toEqual([{ path: 'sequence[2].id', message: 'duplicate step id "apology-sms" (step 1 has it too)' }]);
  });

  it('keeps the sequence in time order: a 24 h text sent as step 1 is saved last', () => {
    const input = doc((d) => {
      d.sequence.unshift({ ...d.sequence.pop()! });
    });
    const result = validateSettings(input);
    expect(result.ok && result.settings.sequence.map((s) => s.id)).toEqual([
      'apology-sms',
      'callback-task',
      'resources-email',
      'final-sms',
    ]);
  });

  it('explains the usual near misses with the value to write', () => {
    const input = doc((d) => {
      d.sendWindow.start = '8am';
      d.digest.at = '7:30 pm';
      d.bookingLink = 'book.brightsmile.com';
    });
    expect(problems(input)).toEqual([
      { path: 'bookingLink', message: expect.stringMatching(/did you mean https:\/\/book\.brightsmile\.com\?$/) },
      { path: 'sendWindow.start', message: expect.stringMatching(/write "8am" as 08:00$/) },
      { path: 'digest.at', message: expect.stringMatching(/write "7:30 pm" as 19:30$/) },
    ]);
  });

  it("rejects a line's own wording for a step that does not exist, or longer than the field it replaces", () => {
    const input = doc((d) => {
      d.sources = [
        {
          trackingNumber: '+15550001111',
          tag: 'x',
          messages: {
            'apology-sms': 'ok',
            'no-such-step': 'x',
            'callback-task': 'y'.repeat(201),
            'resources-email': `<p>${'z'.repeat(5000)}</p>`,
          },
        },
      ];
    });
    expect(paths(input)).toEqual(['sources[0].messages["no-such-step"]', 'sources[0].messages["callback-task"]']);
  });

  it.each([
    [
      'digest recipient',
      (d: Doc) => {
        d.digest.recipients = ['owner@'];
      },
      'digest.recipients[0]',
    ],
    [
      'digest time',
      (d: Doc) => {
        d.digest.at = '24:00';
      },
      'digest.at',
    ],
    [
      'timezone',
      (d: Doc) => {
        d.timezone = 'Eastern';
      },
      'timezone',
    ],
    [
      'timezone offset',
      (d: Doc) => {
        d.timezone = '+05:00';
      },
      'timezone',
    ],
    [
      'booking link scheme',
      (d: Doc) => {
        d.bookingLink = 'javascript:alert(1)';
      },
      'bookingLink',
    ],
    [
      'booking link text',
      (d: Doc) => {
        d.bookingLink = 'example.com/book';
      },
      'bookingLink',
    ],
    [
      'missed connections',
      (d: Doc) => {
        d.escalation.afterMissedConnections = 1.5;
      },
      'escalation.afterMissedConnections',
    ],
    [
      'within days',
      (d: Doc) => {
        d.escalation.withinDays = 0.5;
      },
      'escalation.withinDays',
    ],
    [
      'step id',
      (d: Doc) => {
        d.sequence[0].id = '';
      },
      'sequence[0].id',
    ],
    [
      'empty message',
      (d: Doc) => {
        d.sequence[0].message = '   ';
      },
      'sequence[0].message',
    ],
    [
      'action',
      (d: Doc) => {
        d.sequence[0].action = 'call';
      },
      'sequence[0].action',
    ],
    [
      'enabled',
      (d: Doc) => {
        d.enabled = 'yes';
      },
      'enabled',
    ],
  ])('rejects a bad %s', (_what, mutate, path) => {
    expect(paths(doc(mutate))).toEqual([path]);
  });

  it.each([
    [
      'a null timezone',
      (d: Doc) => {
        d.timezone = null;
      },
    ],
    [
      'a real timezone',
      (d: Doc) => {
        d.timezone = 'America/Chicago';
      },
    ],
    [
      'an empty booking link',
      (d: Doc) => {
        d.bookingLink = '';
      },
    ],
    [
      'an http booking link',
      (d: Doc) => {
        d.bookingLink = 'http://example.com/x?y=1';
      },
    ],
    [
      'PT0S',
      (d: Doc) => {
        d.sequence[0].after = 'PT0S';
      },
    ],
    [
      'fractional withinDays',
      (d: Doc) => {
        d.escalation.withinDays = 1.5;
      },
    ],
    [
      'an empty sequence',
      (d: Doc) => {
        d.sequence = [];
      },
    ],
  ])('accepts %s', (_what, mutate) => {
    expect(paths(doc(mutate))).toEqual([]);
  });

  it('reports missing keys as required and unknown keys as unknown, at every level', () => {
    const input = doc((d) => {
      delete d.stopWhen;
      delete d.sendWindow.end;
      d.digest.cc = ['x@example.com'];
      d.sequence[0].extra = true;
      d.routing.rules = [{ ifTag: 'x', userIds: ['u'], weight: 2 }];
      d.surprise = 1;
    });
    expect(problems(input)).toEqual(
      expect.arrayContaining([
        { path: 'stopWhen', message: 'is required' },
        { path: 'sendWindow.end', message: 'is required' },
        { path: 'digest.cc', message: 'is not a known setting' },
        { path: 'sequence[0].extra', message: 'is not a known setting' },
        { path: 'routing.rules[0].weight', message: 'is not a known setting' },
        { path: 'surprise', message: 'is not a known setting' },
      ]),
    );
    expect(problems(input)).toHaveLength(6);
  });

  it('refuses input that is not an object', () => {
    for (const input of [null, 'settings', 42, []]) {
      expect(validateSettings(input, {})).toEqual({ ok: false, problems: [{ path: '', message: expect.any(String) }] });
    }
  });

  it('still reports cross-field problems when the shape is broken elsewhere', () => {
    const input = doc((d) => {
      d.digest.recipients = ['nope'];
      d.sequence[3].id = 'apology-sms';
    });
    expect(paths(input)).toEqual(['digest.recipients[0]', 'sequence[3].id']);
  });

  it('never lets a __proto__ key through', () => {
    const input = doc((d) => {
      d.sources = [{ trackingNumber: '+15550001111', tag: 'x', messages: JSON.parse('{"__proto__": "Hi"}') }];
    });
    expect(paths(input)).toEqual(['sources[0].messages.__proto__']);
  });
});

describe('formatPath', () => {
  it('writes JSON paths the settings page can map to fields', () => {
    expect(formatPath(['sequence', 1, 'after'])).toBe('sequence[1].after');
    expect(formatPath(['sources', 0, 'messages', 'apology-sms'])).toBe('sources[0].messages["apology-sms"]');
    expect(formatPath(['digest'])).toBe('digest');
    expect(formatPath([])).toBe('');
  });
});
