import type { NextFunction, Request, Response } from 'express';
import { ghlErrorBody } from './ghl-http.js';
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

  /** The first armed fault for the request, counted as used. */
  take(method: string, path: string): Fault | undefined {
    const hit = this.#armed.find(({ fault, remaining }) => {
      if (remaining <= 0) return false;
      if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) return false;
      return typeof fault.path === 'string' ? fault.path === path : fault.path.test(path);
    });
    if (!hit) return undefined;
    hit.remaining -= 1;
    return hit.fault;
  }

  /** Runs `fn` after a latency fault's wait, unless the sandbox closes first. */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction) => {
    const fault = this.take(req.method, req.path);
    if (!fault) return next();
    const effect = effectOf(fault);
    if (effect.kind === 'hang') return;
    if (effect.kind === 'delay') return this.later(effect.ms, next);
    res.status(effect.status).set(effect.headers).type('application/json').send(effect.text);
  };
}

/** What a fault does: answer in its stead, never answer, or let the normal answer through after a wait. */
export type FaultEffect =
  | { kind: 'answer'; status: number; headers: Record<string, string>; text: string }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number };

export function effectOf(fault: Fault): FaultEffect {
  const error = (status: number, message: string, headers: Record<string, string> = {}): FaultEffect => ({
    kind: 'answer',
    status,
    headers,
    text: JSON.stringify(ghlErrorBody(status, message)),
  });
  switch (fault.kind) {
    case '5xx': {
      const status = fault.status ?? 503;
      return error(status, status === 502 ? 'Bad Gateway' : 'Service Unavailable');
    }
    case '429':
      return error(429, 'Too many requests', { 'Retry-After': String(fault.retryAfterSeconds ?? 10) });
    case 'timeout':
      return { kind: 'hang' };
    case 'malformed':
      return { kind: 'answer', status: 200, headers: {}, text: MALFORMED };
    case 'latency':
      return { kind: 'delay', ms: fault.latencyMs ?? 1000 };
  }
}
