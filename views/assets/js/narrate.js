// A run's timeline in plain English, one line per thing that happened: "Texted Jane: 'Hi Jane, sorry…'",
// "Task for Ana Lopez: Call back Jane Cooper". Never a step id, an event code or UTC: times are the
// location's, names are the reps' and the caller's.
import { userName } from './state.js';
import { clock } from './zone.js';

const CALL_STATUS = { voicemail: 'left a voicemail', 'no-answer': 'no answer', busy: 'line busy', canceled: 'hung up' };
const DONE = { sms: 'Texted', email: 'Emailed' };

function quote(text, max = 60) {
  const t = String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > max ? `“${t.slice(0, max - 1)}…”` : `“${t}”`;
}

function rep(id) {
  return id ? userName(id) : 'the assigned rep';
}

function stepLine(e, who, run) {
  const what = { sms: 'text', email: 'email', task: 'callback task', escalation: 'priority task' }[e.action] ?? 'step';
  if (e.state === 'done') {
    if (e.action === 'sms' || e.action === 'email') return `${DONE[e.action]} ${who}: ${quote(e.summary)}`;
    if (e.action === 'escalation') return `Priority task for the manager: ${e.summary ?? 'follow up'}`;
    return `Task for ${rep(run.assignedUserId)}: ${e.summary ?? 'call back'}`;
  }
  if (e.state === 'pending' || e.state === 'sending') return `Next: the ${what}, due ${clock(e.dueAt, zoneNow)}`;
  if (e.state === 'failed') return `The ${what} could not be sent: GHL did not accept it`;
  return null; // skipped and stopped steps have their own event, with the reason in words
}

let zoneNow;

function eventLine(e, who) {
  const d = e.detail && typeof e.detail === 'object' ? e.detail : {};
  switch (e.kind) {
    case 'missed-call':
    case 'repeat-call': {
      const again = e.kind === 'repeat-call' ? 'Called again' : 'Called';
      const line = d.source ? ` the ${d.source} line` : '';
      const found = d.via ? ' (found by Ringback’s check of GHL’s call log)' : '';
      return `${again}${line}: ${CALL_STATUS[d.status] ?? 'no answer'}${found}`;
    }
    case 'tagged':
      return `Tagged ${(d.tags ?? []).join(', ')}${d.assignedTo ? ` · assigned to ${rep(d.assignedTo)}` : ''}`;
    case 'escalation-due':
      return `${d.missedConnections ?? 'Several'} missed connections: the manager gets a priority task`;
    case 'callback-unanswered':
      return 'A rep called back: no answer';
    case 'outbound-answered':
      return `A rep called ${who} back and they talked`;
    case 'answered-call':
      return `${who} called again and got through`;
    case 'reply':
      return `${who} replied`;
    case 'booked':
      return `${who} booked an appointment`;
    case 'task-completed':
      return 'The callback task was marked done';
    case 'manual-message':
      return `A rep messaged ${who}`;
    case 'sender-fallback':
      return 'The tracking number could not send: the text went from the default number';
    case 'step-failed':
      return null; // said once, by the step
    default:
      if (typeof d.text === 'string') {
        const until = typeof d.until === 'string' ? ` Next try: ${clock(d.until, zoneNow)}.` : '';
        return `${d.text}${until}`;
      }
      return null;
  }
}

/** The lines of one lead's timeline: `[{ at, text, failed }]`, in time order. */
export function narrate(call, zone) {
  zoneNow = zone;
  const who = (call.contactName ?? '').split(' ')[0] || call.callerDisplay || 'the caller';
  const lines = [];
  for (const e of call.timeline) {
    const text = e.type === 'step' ? stepLine(e, who, call.run) : eventLine(e, who);
    if (text)
      lines.push({
        at: e.type === 'step' && e.state === 'pending' ? e.dueAt : e.at,
        text,
        failed: e.state === 'failed',
      });
  }
  if (call.run.outcome && call.run.outcomeAt)
    lines.push({ at: call.run.outcomeAt, text: call.outcomeText, failed: false });
  return lines;
}
