import { GhlNotInstalledError, GhlRateLimitedError, GhlScopeError } from '../ghl/api.js';
import { PermanentJobError, RetryAtError } from '../jobs/errors.js';

/** GHL's answers as the job engine understands them: 429 waits, a gone install stops, the rest backs off. */
export function ghlErrorToJobError(err: unknown, _now: Date): unknown {
  if (err instanceof GhlRateLimitedError) return new RetryAtError(err.retryAt, err.message);
  if (err instanceof GhlNotInstalledError) return new PermanentJobError(err.message, { cause: err });
  // Retrying cannot grant a scope: the step fails now, with the scope named; the install and other runs go on.
  if (err instanceof GhlScopeError) return new PermanentJobError(`GoHighLevel refused ${err.message}`, { cause: err });
  return err;
}
