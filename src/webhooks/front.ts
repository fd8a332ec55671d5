// Speed: replaces express for GHL's deliveries (its per-request prototype swap made V8 promote every webhook's objects); ack p99 at 1,000/s 25.8 -> 9.5 ms, maximum 3,416 -> 4,002 webhooks/s (commit cbd2b39, README Benchmark).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import { addressReader } from '../http/client-address.js';
import { asAppError, sendAppError } from '../http/errors.js';
import { hstsSetter } from '../http/hsts.js';
import { isPlainBodyWithin, readPlainBody } from '../http/raw-body.js';
import { logRequest } from '../http/request-log.js';
import { setSecurityHeaders } from '../http/security-headers.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { MAX_BODY_BYTES, WEBHOOK_PATH, type WebhookIntake } from './intake.js';
import { bodyErrorReason, sendAck } from './routes.js';

/**
 * GHL's deliveries, answered before express sees them: the same checks, answers, headers and counters as the
 * express route (test/webhooks/front.test.ts holds the two side by side), without express's per-request work.
 * Express gives every request's req and res a new prototype (Object.setPrototypeOf), and V8 then promotes
 * each request's objects out of the young generation: about 12 KB per webhook at 1,000/s, so a major GC every
 * few seconds, each holding a few dozen acknowledgements 20-35 ms (bench, --trace-gc next to the slow acks).
 * Returns false for anything else, which then goes to express.
 */
export function webhookFront(
  intake: WebhookIntake,
  deps: { logger: Logger; metrics: Metrics; config: Pick<Config, 'appBaseUrl' | 'trustProxy'> },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const logged = logRequest(deps.logger, deps.metrics, () => WEBHOOK_PATH);
  const hsts = hstsSetter(deps.config.appBaseUrl);
  // The same reading of the client address as express's (TRUST_PROXY): it names the sender of a refused body.
  const addressOf = addressReader(deps.config);
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    const e = asAppError(err, deps.logger, req.method, WEBHOOK_PATH);
    if (e.status === 401) deps.logger.warn({ client: addressOf(req), code: e.code }, 'webhook refused');
    sendAppError(res, e);
  };
  return (req, res) => {
    if (req.method !== 'POST' || pathOf(req.url) !== WEBHOOK_PATH || !isPlainBodyWithin(req, MAX_BODY_BYTES)) {
      return false;
    }
    logged(req, res);
    setSecurityHeaders(res);
    hsts(res);
    readPlainBody(req, (readErr, raw) => {
      if (readErr) {
        intake.reject(bodyErrorReason(readErr) ?? 'unreadable');
        fail(req, res, readErr);
        return;
      }
      intake.take(raw, req.headers).then(
        (ack) => sendAck(res, ack),
        (err: unknown) => fail(req, res, err),
      );
    });
    return true;
  };
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
