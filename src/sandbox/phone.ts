import { appointmentEvent, contactEvent, installEvent, taskCompleteEvent, uninstallEvent } from './events.js';
import type { Appointment, DndChannel, DndSettings, DndStatus } from './model.js';
import {
  contactIn,
  locationOf,
  type MessageResult,
  type PlatformDeps,
  type PlaceCallInput,
  placeCall,
  type ReturnCallInput,
  reply,
  replyByEmail,
  returnCall,
  type EmailInput,
  type SmsInput,
  sendSms,
} from './phone-calls.js';
import { type LocationChange, updateLocation } from './location-update.js';
import { type VoiceAiInput, voiceAiCallEnd } from './voice-ai.js';
import {
  createOpportunity,
  type OpportunityChange,
  type OpportunityInput,
  updateOpportunity,
} from './opportunities.js';
import type { DeliveryResult } from './types.js';

export interface Phone {
  placeCall(input: PlaceCallInput): Promise<MessageResult>;
  returnCall(input: ReturnCallInput): Promise<MessageResult>;
  reply(input: SmsInput): Promise<MessageResult>;
  /** The contact answers by email. */
  replyByEmail(input: EmailInput): Promise<MessageResult>;
  /** A manual outbound SMS by a rep (not sent by Ringback). */
  sendSms(input: SmsInput): Promise<MessageResult>;
  bookAppointment(input: BookInput): Promise<{ appointmentId: string; delivery: DeliveryResult }>;
  completeTask(input: { locationId: string; taskId: string }): Promise<{ delivery: DeliveryResult }>;
  setDnd(input: DndInput): Promise<{ delivery: DeliveryResult }>;
  /**
   * The app lands in a location: GHL's INSTALL webhook. `futureLocation`: a sub-account created after its
   * agency installed the app for all future ones; its INSTALL carries no companyId or userId and no OAuth
   * callback follows. `whitelabel`: the agency's white-label domain and logo (AppInstall.md).
   */
  install(input: InstallInput): Promise<{ delivery: DeliveryResult }>;
  uninstall(input: { locationId: string }): Promise<{ delivery: DeliveryResult }>;
  /** GHL's Voice AI answered the contact's call and it ended: VoiceAiCallEnd (the call's own event is apart). */
  voiceAiCallEnd(input: VoiceAiInput): Promise<{ delivery: DeliveryResult }>;
  /** A rep opens a deal for the contact in a pipeline (OpportunityCreate), or changes its value or status. */
  createOpportunity(input: OpportunityInput): Promise<{ opportunityId: string; delivery: DeliveryResult }>;
  updateOpportunity(change: OpportunityChange): Promise<DeliveryResult[]>;
  /** The owner edits the business profile (address, time zone...): LocationUpdate. */
  updateLocation(input: LocationChange): Promise<{ delivery: DeliveryResult }>;
}

export interface InstallInput {
  locationId: string;
  futureLocation?: boolean;
  whitelabel?: { domain: string; logoUrl?: string };
}

export interface BookInput {
  locationId: string;
  contactId: string;
  calendarId?: string;
  /** Default: one day after now; appointments last 30 minutes. */
  startTime?: Date;
  assignedUserId?: string;
}

export interface DndInput {
  locationId: string;
  contactId: string;
  dnd?: boolean;
  channels?: Partial<Record<DndChannel, Extract<DndStatus, 'active' | 'inactive'>>>;
}

async function bookAppointment(deps: PlatformDeps, input: BookInput) {
  contactIn(deps, input.locationId, input.contactId);
  const now = deps.clock.now();
  const start = input.startTime ?? new Date(now.getTime() + 86_400_000);
  const appointment: Appointment = {
    id: deps.ids.next('appt'),
    locationId: input.locationId,
    calendarId: input.calendarId ?? deps.store.calendars(input.locationId)[0]?.id ?? '',
    contactId: input.contactId,
    title: 'Appointment',
    appointmentStatus: 'confirmed',
    assignedUserId: input.assignedUserId ?? null,
    startTime: start.toISOString(),
    endTime: new Date(start.getTime() + 30 * 60_000).toISOString(),
    dateAdded: now.toISOString(),
  };
  deps.store.addAppointment(appointment);
  return { appointmentId: appointment.id, delivery: await deps.deliver(appointmentEvent(appointment)) };
}

async function completeTask(deps: PlatformDeps, input: { locationId: string; taskId: string }) {
  const task = deps.store.task(input.taskId);
  if (!task || task.locationId !== input.locationId) throw new Error(`sandbox: no task ${input.taskId}`);
  task.completed = true;
  return { delivery: await deps.deliver(taskCompleteEvent(task)) };
}

async function setDnd(deps: PlatformDeps, input: DndInput) {
  const contact = contactIn(deps, input.locationId, input.contactId);
  const settings: DndSettings = { ...contact.dndSettings };
  for (const [channel, status] of Object.entries(input.channels ?? {})) {
    settings[channel as DndChannel] = { status, message: '', code: '' };
  }
  const updated = { ...contact, dnd: input.dnd ?? contact.dnd, dndSettings: settings };
  updated.dateUpdated = deps.clock.now().toISOString();
  deps.store.putContact(updated);
  return { delivery: await deps.deliver(contactEvent('ContactDndUpdate', updated)) };
}

function installContext(deps: PlatformDeps, locationId: string) {
  const location = locationOf(deps, locationId);
  const admin = deps.store.users(locationId).find((u) => u.role === 'admin');
  return {
    appId: deps.appId,
    locationId,
    companyId: location.companyId,
    companyName: deps.companyName,
    userId: admin?.id,
  };
}

/** The phone and the other user actions GHL would turn into webhooks: each changes state, then delivers. */
export function createPhone(deps: PlatformDeps): Phone {
  return {
    placeCall: (input) => placeCall(deps, input),
    returnCall: (input) => returnCall(deps, input),
    reply: (input) => reply(deps, input),
    replyByEmail: (input) => replyByEmail(deps, input),
    sendSms: (input) => sendSms(deps, input),
    bookAppointment: (input) => bookAppointment(deps, input),
    completeTask: (input) => completeTask(deps, input),
    setDnd: (input) => setDnd(deps, input),
    updateLocation: (input) => updateLocation(deps, input),
    createOpportunity: (input) => createOpportunity(deps, input),
    voiceAiCallEnd: (input) => voiceAiCallEnd(deps, input),
    updateOpportunity: (change) => updateOpportunity(deps, change),
    install: async ({ locationId, futureLocation, whitelabel }) => {
      const context = installContext(deps, locationId);
      deps.store.setInstalled(locationId, true);
      return { delivery: await deps.deliver(installEvent({ ...context, futureLocation, whitelabel })) };
    },
    uninstall: async ({ locationId }) => {
      const context = installContext(deps, locationId);
      deps.revoke(locationId);
      return { delivery: await deps.deliver(uninstallEvent(context)) };
    },
  };
}
