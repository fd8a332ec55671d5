/** Closed set of error codes: clients and tests match on these, so they are part of the contract. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'INVALID_SIGNATURE'
  | 'STALE_WEBHOOK'
  | 'INVALID_TOKEN'
  | 'TOKEN_EXPIRED'
  | 'SSO_DECRYPT_FAILED'
  | 'FORBIDDEN'
  | 'LOCATION_NOT_INSTALLED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'VERSION_CONFLICT'
  /** A write without If-Match: optimistic concurrency needs the version the client edited. */
  | 'PRECONDITION_REQUIRED'
  /** An agency user opened the settings page outside a sub-account and must pick one of the installed locations. */
  | 'LOCATION_REQUIRED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'BUSY'
  | 'GHL_ERROR'
  /** GHL's users API did not confirm the signing-in user in that sub-account. */
  | 'USER_NOT_CONFIRMED'
  /** GHL could not be asked just now (outage, rate limit): try again shortly. */
  | 'GHL_UNAVAILABLE'
  /** A test digest for a user GHL has no email address for. */
  | 'NO_EMAIL'
  /** "Send this text to my phone" to a number on Do Not Disturb for texts in GHL. */
  | 'DO_NOT_DISTURB'
  /** ... or to a number that opted out of Ringback's texts. */
  | 'OPTED_OUT'
  | 'INTERNAL';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly options: { cause?: unknown; details?: ErrorDetail[]; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
  }
  get details(): ErrorDetail[] | undefined {
    return this.options.details;
  }
}
