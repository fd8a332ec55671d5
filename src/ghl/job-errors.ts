import { PermanentJobError, RetryAtError } from '../jobs/errors.js';
import { GhlNotInstalledError, GhlRateLimitedError, GhlRequestError, GhlScopeError } from './api.js';

/**
 * GHL's answers as the job engine understands them, the one map every job that calls GHL throws through: a 429
 * waits for the time GHL gave (no attempt spent), a gone install stops (retrying cannot bring it back), a missing
 * scope fails now with the scope named while the install and its other runs go on (docs/ghl-oauth.md, 401).
 * Another 4xx (`refusal`): webhook processing re-runs a stored event, which would ask GHL the same thing again,
 * so it is 'final'; the follow-up jobs back off and retry it ('retry'), their last attempt recording the step
 * failed. Anything else (5xx, timeouts) is left to the engine's backoff.
 */
export function ghlJobError(err: unknown, refusal: 'retry' | 'final' = 'retry'): unknown {
  if (err instanceof GhlRateLimitedError) return new RetryAtError(err.retryAt, err.message);
  if (err instanceof GhlNotInstalledError) return new PermanentJobError(err.message, { cause: err });
  if (err instanceof GhlScopeError) return new PermanentJobError(`GoHighLevel refused ${err.message}`, { cause: err });
  if (err instanceof GhlRequestError && refusal === 'final') return new PermanentJobError(err.message, { cause: err });
  return err;
}
