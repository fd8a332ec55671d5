/**
 * What the settings page offers an owner for A2P 10DLC: the warnings GHL's delivery reports raised (carrier
 * filtering 30007, unregistered traffic 30034), and campaign text that matches what Ringback sends. Carriers
 * reject missed-call campaigns whose consent story is only "they called us" (30909), so the text says how the
 * caller's own call starts the conversation and how to stop (docs/compliance-signals.md).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { renderTemplate } from '../core/templates.js';
import type { Settings } from '../core/settings/schema.js';

export interface DeliveryWarning {
  code: string;
  message: string;
  occurrences: number;
  lastAt: string;
}

const WARNING_WORDS: Record<string, string> = {
  '30007':
    'Carriers filtered some of your automated texts as unwanted (error 30007). Check your A2P 10DLC campaign in GHL (Phone System → Trust Center) and use the campaign text below.',
  '30034':
    'Some automated texts went out from a number not registered for A2P 10DLC (error 30034) and were blocked. Register the brand and campaign in GHL (Phone System → Trust Center) and add the number to it.',
};

export async function deliveryWarnings(db: Kysely<Database>, locationId: string): Promise<DeliveryWarning[]> {
  const rows = await db
    .selectFrom('location_warnings')
    .selectAll()
    .where('location_id', '=', locationId)
    .orderBy('last_at', 'desc')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    message: WARNING_WORDS[r.code] ?? `Carriers reported error ${r.code} for some automated texts.`,
    occurrences: r.occurrences,
    lastAt: r.last_at.toISOString(),
  }));
}

export interface A2pCampaign {
  useCase: string;
  description: string;
  messageFlow: string;
  sampleMessages: string[];
  optOutKeywords: string;
  optOutMessage: string;
  helpMessage: string;
}

/** Campaign text built from the location's own sequence, so the samples are the texts callers really get. */
export function a2pCampaign(settings: Settings, businessName: string | null): A2pCampaign {
  const business = businessName || 'our business';
  const samples = settings.sequence
    .filter((s): s is Extract<Settings['sequence'][number], { action: 'sms' }> => s.action === 'sms')
    .map((s) =>
      renderTemplate(
        s.message,
        {
          'contact.firstName': 'Jane',
          'contact.name': 'Jane Cooper',
          'business.name': business,
          bookingLink: settings.bookingLink,
          source: 'Website',
          'rep.name': 'Ana',
        },
        { html: false },
      ),
    );
  return {
    useCase: 'Customer Care',
    description:
      `${business} texts people who called its business phone numbers and whose call could not be answered: an apology ` +
      'with a link to book a time or a promise of a call back, and at most one follow-up the next day. Messages go only ' +
      'to the number that called, only about that call, never to purchased or shared lists.',
    messageFlow:
      `The consumer starts the conversation by calling ${business} at a number published on its website, ads and listings. ` +
      'When the call is missed, the number that called receives an automated text about that call within minutes. Each ' +
      'text names the business and says "Reply STOP to opt out". Opting out (STOP, or any message asking to stop) is ' +
      'honoured at once for every automated message, and texts go only between 08:00 and 21:00 in the recipient’s time.',
    sampleMessages: samples,
    optOutKeywords: 'STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPT OUT, ALTO, PARA',
    optOutMessage: `You are unsubscribed from ${business} automated texts. No more messages will be sent. Reply START to resubscribe.`,
    helpMessage: `${business}: we text callers about missed calls. Call us back at the number you dialed. Reply STOP to opt out.`,
  };
}
