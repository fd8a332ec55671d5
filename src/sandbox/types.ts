import type { Clock } from '../clock.js';

export type SignMode = 'ed25519' | 'rsa' | 'both';
export type TokenKind = 'Location' | 'Company';

export interface SandboxOptions {
  /** Every time the sandbox hands out or compares (token expiry, dateAdded, rate windows, request log). */
  clock: Clock;
  /** Default 0: a random free port on 127.0.0.1. */
  port?: number;
  clientId: string;
  clientSecret: string;
  sharedSecret: string;
  /** Ringback's URL; webhooks go to `${appBaseUrl}/webhooks/ghl`. Settable later with setAppBaseUrl. */
  appBaseUrl?: string;
  /** Default 'both'. */
  signWith?: SignMode;
  /** Default 100 requests per 10 000 ms per location or company. */
  rateLimit?: { max: number; intervalMs: number };
  /** Default 200 000 per day per resource, as GHL documents. */
  dailyLimit?: number;
  /** Default 86 399, as GHL's token responses say. */
  accessTokenTtlSeconds?: number;
  /**
   * Whether refreshing ends the access token issued with the refresh token at once. GHL does not say
   * (docs/ghl-oauth.md §8); default false: it stays valid until it expires.
   */
  refreshRevokesAccess?: boolean;
  /**
   * Milliseconds of the sandbox's clock from a 429 to GHL's redelivery of the same bytes. Default 600 000 (GHL:
   * about 10 minutes). A manual clock moved past it redelivers at the next `redeliverDue()` (or within 50 ms).
   */
  redeliveryDelayMs?: number;
  /** Up to this many more milliseconds of the sandbox's clock, at random. Default 60 000. */
  redeliveryJitterMs?: number;
  /** Real milliseconds the sandbox waits for the app to answer a webhook. Default 10 000. */
  deliveryTimeoutMs?: number;
  /**
   * When true, messages sent through `POST /conversations/messages` are echoed to the app as OutboundMessage
   * webhooks (`source: 'api'`), as GHL does for real. Default false so tests see only the events they cause.
   */
  echoApiMessages?: boolean;
  /** Whether `GET /oauth/installedLocations` carries its optional `count`. Default true. */
  installedLocationsCount?: boolean;
}

export interface RecordedRequest {
  at: Date;
  method: string;
  path: string;
  query: Record<string, unknown>;
  /** Parsed body; `client_secret` and `refresh_token` values are replaced by '[redacted]'. */
  body: unknown;
  /** 0 while no answer was sent (a timeout fault, or a request still in flight). */
  status: number;
  locationId?: string;
  tokenKind?: TokenKind;
}

export type FaultKind = '5xx' | '429' | 'timeout' | 'malformed' | 'latency';

export interface Fault {
  method?: string;
  /** A string matches the request path exactly (no query); a RegExp is tested against the path. */
  path: RegExp | string;
  kind: FaultKind;
  /** How many matching requests it hits; default Infinity. */
  times?: number;
  /** For 'latency': real milliseconds before the normal answer. Default 1 000. */
  latencyMs?: number;
  /** For '429': the Retry-After value. Default 10. */
  retryAfterSeconds?: number;
  /** For '5xx': 500, 502 or 503. Default 503. */
  status?: 500 | 502 | 503;
}

export interface DeliveryAttempt {
  at: Date;
  /** HTTP status of the app's answer; 0 when the request failed (refused, timed out). */
  status: number;
  error?: string;
}

export interface DeliveryResult {
  webhookId: string;
  url: string;
  event: Record<string, unknown>;
  /** The exact bytes posted and signed. */
  rawBody: string;
  headers: Record<string, string>;
  attempts: DeliveryAttempt[];
  /** Status of the last attempt so far. */
  status: number;
  ok: boolean;
  /** Never sent: a drop fault (`sandbox.dropWebhooks`) swallowed it, as GHL sometimes loses an event. */
  dropped?: boolean;
  /** When GHL will deliver it again (on the sandbox's clock): after a 429, while redeliveries are left. */
  nextAttemptAt: Date | null;
}

export interface DeliverOptions {
  sign?: SignMode | 'none';
  webhookId?: string;
}

/** The fields of a token response (docs/ghl-platform.md §4). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
  userType: TokenKind;
  companyId: string;
  locationId?: string;
  userId: string;
  planId?: string;
  approvedLocations?: string[];
  isBulkInstallation?: boolean;
  installToFutureLocations?: boolean;
  approveAllLocations?: boolean;
  appId?: string;
  versionId?: string;
}
