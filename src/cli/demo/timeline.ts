import { z } from 'zod';
import type { Db } from '../../db/create-db.js';
import type { RecordedRequest, Sandbox } from '../../sandbox/index.js';
import { LOCATION_ID } from '../../sandbox/seed.js';
import { nyDayTime, nyTime } from './output.js';

export type LineKind = 'phone' | 'clock' | 'ghl' | 'note' | 'warn';
export interface TimelineLine {
  at: Date;
  kind: LineKind;
  text: string;
}

const MessageBody = z.object({
  type: z.string(),
  contactId: z.string(),
  message: z.string().optional(),
  subject: z.string().optional(),
});
const TaskBody = z.object({ title: z.string(), assignedTo: z.string().nullish(), dueDate: z.string().nullish() });
const TagsBody = z.object({ tags: z.array(z.string()) });
const EventDetail = z.object({
  reason: z.string().optional(),
  text: z.string().optional(),
  until: z.string().optional(),
  outcome: z.string().optional(),
  error: z.string().optional(),
});

const REASONS: Record<string, string> = {
  'outside-send-window': 'outside send window',
  'touch-cap': 'at most 3 automated texts per 24 h',
  'dnd-sms': 'contact is on Do Not Disturb for SMS',
  'dnd-email': 'contact is on Do Not Disturb for email',
  'no-email': 'GHL has no email address for the contact',
  'opted-out-sms': 'contact opted out of texts',
  'not-textable': 'the number cannot receive texts',
  'no-send-window': 'no send window',
  'no-consent': 'marketing text without written consent',
  connected: 'the call was returned and answered',
  replied: 'the lead replied',
  booked: 'the lead booked an appointment',
  'voice-ai': 'handled by Voice AI: it booked the caller',
  'sequence-ended': 'the sequence ended with no answer',
  dnd: 'Do Not Disturb blocks every channel',
};
const STEPS: Record<string, string> = {
  'apology-sms': 'first SMS',
  'callback-task': 'callback task',
  'resources-email': 'email',
  'final-sms': 'final SMS',
  escalation: 'manager task',
};

/** '+12125550134' → '(212) 555-0134'. */
export function formatPhone(phone: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(phone);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : phone;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const TASKS = /^\/contacts\/([^/]+)\/tasks$/;
const TAGS = /^\/contacts\/([^/]+)\/tags$/;

/**
 * What GHL really received (the sandbox's request log) and why steps waited or were skipped (run_events), as
 * timeline lines, each reported once.
 */
export class Timeline {
  #cursor = 0;
  #seen = new WeakSet<RecordedRequest>();
  #lastEventId = 0;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly db: Db['db'],
    readonly nameOf: (contactId: string | undefined, phone?: string | null) => string,
  ) {}

  userName(userId: string | null | undefined): string {
    if (!userId) return 'nobody';
    return this.sandbox.store.users(LOCATION_ID).find((u) => u.id === userId)?.name ?? userId;
  }

  async collect(): Promise<TimelineLine[]> {
    const lines = [...this.#fromRequests(), ...(await this.#fromEvents())];
    return lines.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  #fromRequests(): TimelineLine[] {
    const out: TimelineLine[] = [];
    const log = this.sandbox.requests;
    for (let i = this.#cursor; i < log.length; i++) {
      const r = log[i]!;
      if (r.status === 0 || this.#seen.has(r)) continue;
      this.#seen.add(r);
      const line = this.#describe(r);
      if (line) out.push(line);
    }
    while (this.#cursor < log.length && this.#seen.has(log[this.#cursor]!)) this.#cursor++;
    return out;
  }

  #describe(r: RecordedRequest): TimelineLine | null {
    const ghl = (text: string): TimelineLine => ({ at: r.at, kind: 'ghl', text });
    const relevant =
      r.method === 'POST' && (r.path === '/conversations/messages' || TASKS.test(r.path) || TAGS.test(r.path));
    if (!relevant) return null;
    if (r.status >= 300) {
      const retried = r.status === 429 || r.status >= 500 ? ' (Ringback will retry)' : '';
      return { at: r.at, kind: 'warn', text: `GHL answered ${r.status} to ${r.method} ${r.path}${retried}` };
    }
    const message = MessageBody.safeParse(r.body);
    if (r.path === '/conversations/messages' && message.success) {
      const m = message.data;
      const who = this.nameOf(m.contactId);
      if (m.type === 'SMS') return ghl(`SMS    ${who}  "${clip(m.message ?? '', 64)}"`);
      if ((m.subject ?? '').startsWith('Ringback daily digest')) return ghl(`DIGEST → ${who}: "${m.subject}"`);
      return ghl(`EMAIL  ${who}  "${clip(m.subject ?? '', 64)}"`);
    }
    const task = TaskBody.safeParse(r.body);
    const taskOf = TASKS.exec(r.path);
    if (taskOf && task.success) {
      const due = task.data.dueDate ? ` due ${nyTime(new Date(task.data.dueDate))}` : '';
      return ghl(`TASK   → ${this.userName(task.data.assignedTo)}: ${task.data.title}${due}`);
    }
    const tags = TagsBody.safeParse(r.body);
    const tagsOf = TAGS.exec(r.path);
    if (tagsOf && tags.success) return ghl(`TAGS   ${this.nameOf(tagsOf[1])} + ${tags.data.tags.join(', ')}`);
    return null;
  }

  async #fromEvents(): Promise<TimelineLine[]> {
    const rows = await this.db
      .selectFrom('run_events as e')
      .innerJoin('runs as r', 'r.id', 'e.run_id')
      .select(['e.id', 'e.at', 'e.kind', 'e.step_id', 'e.detail', 'r.contact_id', 'r.caller_phone'])
      .where('e.id', '>', this.#lastEventId)
      .where('e.kind', 'in', ['deferred', 'skipped', 'run-ended', 'step-failed', 'recovered-late'])
      .orderBy('e.id')
      .execute();
    const out: TimelineLine[] = [];
    for (const row of rows) {
      this.#lastEventId = Math.max(this.#lastEventId, Number(row.id));
      const detail = EventDetail.safeParse(row.detail);
      const d = detail.success ? detail.data : {};
      const who = this.nameOf(row.contact_id, row.caller_phone);
      const step = STEPS[row.step_id ?? ''] ?? row.step_id ?? 'step';
      const reason = REASONS[d.reason ?? ''] ?? d.reason ?? '';
      const note = (text: string, kind: LineKind = 'note'): void => void out.push({ at: row.at, kind, text });
      if (row.kind === 'deferred' && d.until) {
        const until = new Date(d.until);
        const when = nyDayTime(until).slice(0, 3) === nyDayTime(row.at).slice(0, 3) ? nyTime(until) : nyDayTime(until);
        // The engine's own words name the rule and why it applies ("Texas law, caller's area code 512").
        note(d.text ? `${who}: ${step}: ${d.text}` : `${who}: ${step} waits until ${when}: ${reason}`);
      } else if (row.kind === 'skipped')
        note(d.text ? `${who}: ${step}: ${d.text}` : `${who}: ${step} skipped: ${reason}`);
      else if (row.kind === 'run-ended') note(`${who}: ${d.outcome ?? 'ended'}${reason ? ` (${reason})` : ''}`);
      else if (row.kind === 'recovered-late') note(`${who}: recovered after the sequence (${reason})`);
      else if (row.kind === 'step-failed') note(`${who}: ${step} failed: ${d.error ?? 'unknown error'}`, 'warn');
    }
    return out;
  }
}
