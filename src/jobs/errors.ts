/** Thrown by a handler to run the job again at `at` without spending an attempt (GHL 429, send window). */
export class RetryAtError extends Error {
  constructor(
    readonly at: Date,
    message = 'rescheduled',
  ) {
    super(message);
    this.name = 'RetryAtError';
  }
}

/** Thrown by a handler when retrying cannot help (bad payload, revoked install): straight to dead-letter. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
