import type { PhoneDeps } from './phone-calls.js';
import { contactIn } from './phone-calls.js';
import type { DeliveryResult } from './types.js';

/** What GHL's Voice AI did on the call: booked, took a message, or the caller hung up on it within seconds. */
export interface VoiceAiInput {
  locationId: string;
  contactId: string;
  outcome: 'booked' | 'message' | 'hung-up';
  /** The AI's summary (a default one per outcome otherwise). */
  summary?: string;
  /** Seconds; default 95 (3 for a hang-up). */
  durationSec?: number;
  /** The call's message id in the conversation (VoiceAiCallEnd's `messageId`). */
  messageId?: string;
  /** When the AI picked up; default now minus the duration (the event is sent as the call ends). */
  startedAt?: Date;
}

const SUMMARIES: Record<VoiceAiInput['outcome'], string> = {
  booked: 'Caller asked for a cleaning; the assistant booked them for tomorrow at 10:00 AM.',
  message: 'Caller has a cracked crown and wants a call back this afternoon about a repair.',
  'hung-up': 'Caller hung up after the greeting.',
};

/**
 * DOCS webhook VoiceAiCallEnd (docs/ghl-webhooks.md, "Voice AI"): the schema's keys, `translation` left out (its
 * definition is not on the page). A booking is an executed APPOINTMENT_BOOKING action.
 */
export function voiceAiCallEndEvent(deps: PhoneDeps, input: VoiceAiInput): Record<string, unknown> {
  const contact = contactIn(deps, input.locationId, input.contactId);
  const duration = input.durationSec ?? (input.outcome === 'hung-up' ? 3 : 95);
  const started = input.startedAt ?? new Date(deps.clock.now().getTime() - duration * 1000);
  const summary = input.summary ?? SUMMARIES[input.outcome];
  const actions =
    input.outcome === 'booked'
      ? [
          {
            _id: deps.ids.next('vaiact'),
            actionType: 'APPOINTMENT_BOOKING',
            actionName: 'Book appointment',
            description: 'Books the caller into the main calendar',
            actionParameters: { calendarId: `${input.locationId}_cal` },
          },
        ]
      : [];
  return {
    type: 'VoiceAiCallEnd',
    id: deps.ids.next('vaicall'),
    locationId: input.locationId,
    agentId: `${input.locationId}_agent`,
    contactId: contact.id,
    fromNumber: contact.phone,
    createdAt: started.toISOString(),
    duration,
    summary,
    transcript: `AI Agent: Thanks for calling, how can I help?\nCaller: ${summary}`,
    extractedData: {},
    messageId: input.messageId ?? deps.ids.next('msg'),
    trialCall: false,
    executedCallActions: actions,
  };
}

export async function voiceAiCallEnd(deps: PhoneDeps, input: VoiceAiInput): Promise<{ delivery: DeliveryResult }> {
  return { delivery: await deps.deliver(voiceAiCallEndEvent(deps, input)) };
}
