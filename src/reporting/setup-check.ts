/**
 * The setup checker (issue 18 point 5): is this sub-account set up so that missed calls are really followed up?
 * Pure: it takes the facts (src/reporting/setup-facts.ts loads them) and says, for each check, done, to do, a
 * warning, or unknown, in the owner's words with the fix. The page's checklist and the agency portfolio both
 * call this; GHL facts and their sources are in docs/ghl-platform.md §9.
 */
import type { ProbeResult } from './link-probe.js';
import type { Settings } from '../core/settings/schema.js';

export type CheckState = 'ok' | 'todo' | 'warn' | 'unknown';

export interface SetupCheck {
  key: 'numbers' | 'reps' | 'booking-link' | 'email-address' | 'a2p' | 'double-texting' | 'test-call';
  state: CheckState;
  title: string;
  detail: string;
  /** Where the owner fixes it: a section of Ringback's settings, or a menu path in GHL. */
  fix: string | null;
}

export interface SetupFacts {
  now: Date;
  settings: Settings;
  /** The location's phone numbers in GHL; null when GHL could not be asked. */
  ghlNumbers: string[] | null;
  bookingLink: ProbeResult | null;
  businessAddress: string | null;
  /** Carrier errors that point at A2P registration (30007, 30034) seen in the last 30 days. */
  a2pWarnings: { code: string; occurrences: number; lastAt: Date }[];
  /** Texts Ringback tried in the last 30 days, and how many failed to deliver. */
  textsSent: number;
  textsFailed: number;
  /** Missed callers of the last 30 days who also got another automation's message within 15 minutes. */
  otherAutomationAfterMissed: number;
  lastTestCallAt: Date | null;
}

export interface SetupReport {
  checks: SetupCheck[];
  done: number;
  total: number;
  /** Nothing to do (warnings and unknowns aside). */
  ready: boolean;
}

const DAY_MS = 86_400_000;
export const GHL_MCTB_PATH =
  'In GHL: Settings › Phone System › Voice › Voicemail & Missed Call Text Back (older menus: Settings › Business Profile), and Automation › Workflows for a workflow started by a missed call';

export function setupChecks(f: SetupFacts): SetupReport {
  const checks: SetupCheck[] = [
    numbersCheck(f),
    repsCheck(f.settings),
    bookingCheck(f),
    emailCheck(f),
    a2pCheck(f),
    doubleTextCheck(f),
    testCallCheck(f),
  ];
  const done = checks.filter((c) => c.state === 'ok').length;
  return { checks, done, total: checks.length, ready: checks.every((c) => c.state !== 'todo') };
}

function numbersCheck(f: SetupFacts): SetupCheck {
  const base = {
    key: 'numbers',
    title: 'Every phone number has a source',
    fix: 'Settings › Numbers & sources',
  } as const;
  if (f.ghlNumbers === null) {
    return { ...base, state: 'unknown', detail: 'GHL did not list the phone numbers just now; try again later.' };
  }
  const mapped = new Set(f.settings.sources.map((s) => s.trackingNumber));
  const unmapped = f.ghlNumbers.filter((n) => !mapped.has(n));
  if (f.ghlNumbers.length === 0) {
    return { ...base, state: 'todo', detail: 'This sub-account has no phone number in GHL yet.' };
  }
  return unmapped.length === 0
    ? {
        ...base,
        state: 'ok',
        detail: `All ${f.ghlNumbers.length} numbers are named, so every lead shows where it came from.`,
      }
    : {
        ...base,
        state: 'todo',
        detail: `${unmapped.length} of ${f.ghlNumbers.length} numbers have no source: their callers are followed up but not attributed (${unmapped.slice(0, 3).join(', ')}${unmapped.length > 3 ? '…' : ''}).`,
      };
}

function repsCheck(s: Settings): SetupCheck {
  const base = { key: 'reps', title: 'Reps chosen for callbacks', fix: 'Settings › Routing & escalation' } as const;
  const chosen =
    s.routing.userIds.length > 0 ||
    s.routing.rules.some((r) => r.userIds.length > 0) ||
    s.sources.some((src) => src.assignTo.length > 0);
  return chosen
    ? { ...base, state: 'ok', detail: 'Callback tasks go to the reps you chose.' }
    : { ...base, state: 'todo', detail: 'No rep is chosen: callback tasks are created for nobody.' };
}

function bookingCheck(f: SetupFacts): SetupCheck {
  const base = { key: 'booking-link', title: 'Booking link works', fix: 'Settings › General' } as const;
  if (!f.settings.bookingLink) {
    return { ...base, state: 'todo', detail: 'There is no booking link: texts cannot offer callers a time.' };
  }
  const probe = f.bookingLink;
  if (!probe || probe.state === 'unchecked') {
    return { ...base, state: 'unknown', detail: `The link could not be checked${probe ? `: ${probe.reason}` : ''}.` };
  }
  return probe.state === 'ok'
    ? { ...base, state: 'ok', detail: 'The booking page opens.' }
    : { ...base, state: 'todo', detail: `The booking link does not open: ${probe.reason}.` };
}

function emailCheck(f: SetupFacts): SetupCheck {
  const base = {
    key: 'email-address',
    title: 'Business address for emails',
    fix: 'In GHL: Settings › Business Profile › Business address',
  } as const;
  const emails = f.settings.sequence.some((s) => s.action === 'email');
  if (f.businessAddress) return { ...base, state: 'ok', detail: 'Emails carry your postal address, as the law asks.' };
  return emails
    ? {
        ...base,
        state: 'todo',
        detail:
          'GHL has no business address: the law (CAN-SPAM) asks for one in every email, so the email step is not sent.',
      }
    : { ...base, state: 'warn', detail: 'GHL has no business address; you need one before adding an email step.' };
}

function a2pCheck(f: SetupFacts): SetupCheck {
  const base = {
    key: 'a2p',
    title: 'Texting registration (A2P 10DLC) looks healthy',
    fix: 'In GHL: Settings › Phone System › Trust Center; Ringback: Settings › Carrier registration',
  } as const;
  const blocked = f.a2pWarnings.reduce((n, w) => n + w.occurrences, 0);
  if (blocked > 0) {
    const codes = f.a2pWarnings.map((w) => w.code).join(', ');
    return {
      ...base,
      state: 'todo',
      detail: `Carriers blocked or filtered ${blocked} text${blocked === 1 ? '' : 's'} in the last 30 days (error ${codes}): the brand or campaign registration needs attention.`,
    };
  }
  if (f.textsSent === 0) {
    return { ...base, state: 'unknown', detail: 'No texts in the last 30 days yet: nothing to judge by.' };
  }
  const failedShare = f.textsFailed / f.textsSent;
  return failedShare > 0.1
    ? {
        ...base,
        state: 'warn',
        detail: `${f.textsFailed} of ${f.textsSent} texts in the last 30 days were not delivered.`,
      }
    : {
        ...base,
        state: 'ok',
        detail: `${f.textsSent - f.textsFailed} of ${f.textsSent} texts delivered in the last 30 days.`,
      };
}

function doubleTextCheck(f: SetupFacts): SetupCheck {
  const base = {
    key: 'double-texting',
    title: 'No second missed-call text from GHL',
    fix: GHL_MCTB_PATH,
  } as const;
  if (f.otherAutomationAfterMissed > 0) {
    return {
      ...base,
      state: 'warn',
      detail: `${f.otherAutomationAfterMissed} missed caller${f.otherAutomationAfterMissed === 1 ? '' : 's'} in the last 30 days also got an automated message from GHL within 15 minutes: GHL's own missed-call text-back or a workflow may be texting them too. Turn one of them off.`,
    };
  }
  return {
    ...base,
    state: 'unknown',
    detail:
      'GHL does not tell apps whether its own missed-call text-back is on. Check it is off (or that no workflow texts missed callers), or callers get two texts.',
  };
}

function testCallCheck(f: SetupFacts): SetupCheck {
  const base = { key: 'test-call', title: 'A test call in the last 30 days', fix: 'Settings › Test call' } as const;
  const recent = f.lastTestCallAt && f.now.getTime() - f.lastTestCallAt.getTime() <= 30 * DAY_MS;
  return recent
    ? { ...base, state: 'ok', detail: 'You ran a test call recently: you know what callers get.' }
    : { ...base, state: 'todo', detail: 'Run a test call to see exactly what a caller would get, and when.' };
}
