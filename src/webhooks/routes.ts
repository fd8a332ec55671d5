import type { ServerResponse } from 'node:http';
import { type ErrorRequestHandler, Router } from 'express';
import { rawBody } from '../http/raw-body.js';
import { MAX_BODY_BYTES, WEBHOOK_PATH, type WebhookIntake } from './intake.js';

/**
 * Deliveries that webhooks/front.ts leaves to express: bodies that are compressed, chunked or too large, and
 * paths express also matches (a trailing slash, another case). Answers as the front does.
 */
export function webhooksRouter(intake: WebhookIntake): Router {
  const r = Router();
  r.post(WEBHOOK_PATH, rawBody(MAX_BODY_BYTES), async (req, res) => {
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    sendAck(res, await intake.take(raw, req.headers));
  });
  r.use(WEBHOOK_PATH, countBodyErrors(intake));
  return r;
}

export function sendAck(res: ServerResponse, body: Buffer): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/** Body-parser failures (413 and friends) never reach the handler: count them, then let the app answer. */
function countBodyErrors(intake: WebhookIntake): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    const reason = bodyErrorReason(err);
    if (reason) intake.reject(reason);
    next(err);
  };
}

export function bodyErrorReason(err: unknown): 'too_large' | 'unreadable' | null {
  const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : '';
  if (type === 'entity.too.large') return 'too_large';
  return type !== '' ? 'unreadable' : null;
}
