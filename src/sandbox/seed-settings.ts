import { defaultSettings, type Settings } from '../core/settings/schema.js';
import { TRACKING_NUMBERS, USERS } from './seed.js';

/**
 * Bright Smile's configuration for the seed: three ad lines with their source tags (Google Ads high-value),
 * round-robin over Ana and Ben, Maya as the manager, VIP contacts high-value. The demo and the tests start here.
 */
export function seedSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    ...defaultSettings({ bookingLink: 'https://book.example.com/bright-smile' }),
    sources: [
      {
        trackingNumber: TRACKING_NUMBERS.facebook,
        tag: 'Facebook Ad Caller',
        highValue: false,
        messages: {},
        assignTo: [],
      },
      { trackingNumber: TRACKING_NUMBERS.website, tag: 'Website Caller', highValue: false, messages: {}, assignTo: [] },
      {
        trackingNumber: TRACKING_NUMBERS.google,
        tag: 'Google Ads Caller',
        highValue: true,
        messages: {},
        assignTo: [],
      },
    ],
    routing: { userIds: [USERS.ana, USERS.ben], rules: [] },
    escalation: { afterMissedConnections: 3, withinDays: 7, managerUserId: USERS.maya },
    highValue: { tags: ['VIP'], callbackWithin: 'PT5M' },
    ...overrides,
  };
}
