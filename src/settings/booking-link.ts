import type { GhlCalendar } from '../ghl/api.js';

/** Where GHL serves booking widgets when the agency has no white-label domain. */
export const GHL_WIDGET_ORIGIN = 'https://api.leadconnectorhq.com';

/**
 * GHL has no booking URL field (docs/ghl-platform.md §7); this is the widget URL community integrations use, on the
 * agency's white-label domain when it has one (docs/ghl-oauth.md, white-label). The owner sees it in the
 * settings page and can paste another.
 */
export function bookingLinkOf(calendars: readonly GhlCalendar[], whiteLabelDomain: string | null = null): string {
  const first = calendars.find((c) => c.isActive !== false);
  if (!first) return '';
  const origin = whiteLabelDomain ? `https://${whiteLabelDomain}` : GHL_WIDGET_ORIGIN;
  return `${origin}/widget/booking/${encodeURIComponent(first.id)}`;
}

export function rebasedBookingLink(link: string, whiteLabelDomain: string): string {
  return `https://${whiteLabelDomain}${link.slice(GHL_WIDGET_ORIGIN.length)}`;
}
