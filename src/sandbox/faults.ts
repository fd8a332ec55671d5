import type { NextFunction, Request, Response } from 'express';
import { sendError } from './ghl-http.js';
import type { Fault } from './types.js';

interface Armed {
  fault: Fault;
  remaining: number;
}

const MALFORMED = '{"traceId":"sandbox","data":{"id":"truncated",';

/**
 * Injected failures, matched by method and path, first armed fault wins. A 'timeout' never answers: the
 * server's close() cuts such connections, so it cannot keep the sandbox from stopping.
 */
export class Faults {
  #armed: Armed[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();

  add(fault: Fault): void {
    this.#armed.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.#armed = [];
  }

  /** Cancels pending latency timers (at close). */
  dispose(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  #take(method: string, path: string): Fault | undefined {
    const hit = this.#armed.find(({ fault, remaining }) => {
      if (remaining <= 0) return false;
      if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) return false;
      return typeof fault.path === 'string' ? fault.path === path : fault.path.test(path);
    });
    if (!hit) return undefined;
    hit.remaining -= 1;
    return hit.fault;
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction) => {
    const fault = this.#take(req.method, req.path);
    if (!fault) return next();
    switch (fault.kind) {
      case '5xx': {
        const status = fault.status ?? 503;
        return sendError(res, status, status === 502 ? 'Bad Gateway' : 'Service Unavailable');
      }
      case '429':
        res.set('Retry-After', String(fault.retryAfterSeconds ?? 10));
        return sendError(res, 429, 'Too many requests');
      case 'timeout':
        return;
      case 'malformed':
        res.status(200).type('application/json').send(MALFORMED);
        return;
      case 'latency': {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          next();
        }, fault.latencyMs ?? 1000);
        this.#timers.add(timer);
        return;
      }
    }
  };
}
