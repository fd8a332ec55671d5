/**
 * The traffic model: what one GHL sub-account sends Ringback in a day, and from it how many sub-accounts one
 * machine like the bench's serves with the targets held. `--traffic=missedCalls=8,textsIn=40,...` changes it.
 */

export interface TrafficModel {
  /** Missed calls per sub-account per day. */
  missedCalls: number;
  textsIn: number;
  textsOut: number;
  emailsIn: number;
  emailsOut: number;
  /** Hours of the day the traffic falls in. */
  businessHours: number;
  /** The busiest hour's traffic over the mean hour of business hours. */
  peakFactor: number;
}

/**
 * Defaults, for a small home-services business (GHL's typical sub-account):
 * - 5 missed calls: 20-30 inbound calls a day, a fifth to a quarter of them unanswered (call-tracking vendors
 *   put small businesses' missed-call share at 20-30%);
 * - 40 texts in and 60 out: conversations with customers (each missed call alone brings 2 of Ringback's texts
 *   and usually a reply or two), plus appointment confirmations and reminders sent by GHL workflows;
 * - 10 emails in and 50 out: replies and enquiries in, workflow confirmations, reminders and a newsletter out;
 * - in 10 business hours, the busiest hour carrying twice the mean (mornings and lunch), zones not spread out.
 */
export const DEFAULT_TRAFFIC: TrafficModel = {
  missedCalls: 5,
  textsIn: 40,
  textsOut: 60,
  emailsIn: 10,
  emailsOut: 50,
  businessHours: 10,
  peakFactor: 2,
};

export function parseTraffic(arg: string | undefined): TrafficModel {
  const model = { ...DEFAULT_TRAFFIC };
  for (const part of (arg ?? '').split(',').filter(Boolean)) {
    const [key, value] = part.split('=');
    const n = Number(value);
    if (!key || !(key in model) || !Number.isFinite(n) || n < 0) throw new Error(`--traffic: bad entry ${part}`);
    model[key as keyof TrafficModel] = n;
  }
  return model;
}

/** Per second, per sub-account, in the peak hour. */
export function peakRates(m: TrafficModel): { missed: number; other: number } {
  const perSecond = (daily: number) => (daily * m.peakFactor) / (m.businessHours * 3600);
  return { missed: perSecond(m.missedCalls), other: perSecond(m.textsIn + m.textsOut + m.emailsIn + m.emailsOut) };
}
