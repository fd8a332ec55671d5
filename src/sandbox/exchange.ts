import { parse as parseQuery } from 'node:querystring';
import type { Clock } from '../clock.js';
import type { Answer } from './api.js';
import { bearerGrant, INVALID_TOKEN } from './auth.js';
import { effectOf, type Faults } from './faults.js';
import { errorAnswer, ghlErrorBody, versionProblem } from './ghl-http.js';
import type { BodyResult } from './json-body.js';
import type { PlainRequest } from './plain-request.js';
import type { RateLimiter } from './rate-limit.js';
import { locationHint, openEntry, redact } from './request-log.js';
import { type AccessGrant, resourceOf, type TokenStore } from './tokens.js';
import type { RecordedRequest } from './types.js';

/** Where an exchange's one answer goes: the connection it came on. */
export interface Replier {
  reply(status: number, headers: Record<string, string>, text: string): void;
}

export interface ExchangeDeps {
  clock: Clock;
  tokens: TokenStore;
  limiter: RateLimiter;
  faults: Faults;
  requests: RecordedRequest[];
}

/**
 * One plain request through the express app's steps, in its order: log (at the head, as express logs on
 * arrival), body, then for API routes Version, token and rate limit, then faults, handler, errors. A class
 * rather than closures: the bench runs under tsx, which names every closure it makes, half a dozen a request.
 */
export class Exchange {
  readonly #entry: RecordedRequest;
  readonly #query: Record<string, unknown>;
  /** Empty until the request is counted; from then on every answer carries the rate-limit headers. */
  #headers: Record<string, string> = {};

  constructor(
    private readonly deps: ExchangeDeps,
    private readonly request: PlainRequest,
    private readonly replier: Replier,
  ) {
    this.#query = parseQuery(request.rawQuery);
    this.#entry = openEntry(deps.clock, deps.requests, request.method, request.path, this.#query);
  }

  /** Rejected bodies are answered before any auth, with nothing else logged, as express does. */
  onBody(result: BodyResult): void {
    if (!result.ok) {
      this.#error(result.status, result.message);
      return;
    }
    const body = result.value;
    this.#entry.body = redact(body);
    const grant = this.request.hit.route.open ? undefined : this.#authorize(body);
    if (grant === null) return;
    const fault = this.deps.faults.take(this.request.method, this.request.path);
    const effect = fault && effectOf(fault);
    // A 'hang' effect never answers: the client waits until it gives up or the sandbox closes.
    if (!effect) this.#run(body, grant);
    else if (effect.kind === 'delay') this.deps.faults.later(effect.ms, () => this.#run(body, grant));
    else if (effect.kind === 'answer') {
      Object.assign(this.#headers, effect.headers);
      this.#reply(effect.status, effect.text);
    }
  }

  /** Version, token and rate limit; null once one of them has answered. */
  #authorize(body: unknown): AccessGrant | null {
    const problem = versionProblem(this.request.path, this.request.headers['version']);
    if (problem !== undefined) {
      this.#error(400, problem);
      return null;
    }
    const grant = bearerGrant(this.deps.tokens, this.request.headers['authorization']);
    if (grant === undefined) {
      this.#error(401, INVALID_TOKEN);
      return null;
    }
    this.#entry.tokenKind = grant.kind;
    this.#entry.locationId = grant.locationId ?? locationHint(this.#query, body);
    const decision = this.deps.limiter.take(resourceOf(grant));
    this.#headers = decision.headers;
    if (decision.allowed) return grant;
    this.#headers['Retry-After'] = String(decision.retryAfterSeconds);
    this.#error(429, 'Too many requests');
    return null;
  }

  #run(body: unknown, grant: AccessGrant | undefined): void {
    const { route, params } = this.request.hit;
    let answer: Answer;
    let text: string;
    try {
      answer = route.handler({ params, query: this.#query, body, form: this.request.body?.form === true, grant });
      text = JSON.stringify(answer.body);
    } catch (err) {
      const failed = errorAnswer(err);
      this.#reply(failed.status, JSON.stringify(failed.body));
      return;
    }
    this.#reply(answer.status, text);
    try {
      answer.after?.();
    } catch {
      // Express hands this to its error handler, which does nothing once the answer is out.
    }
  }

  #error(status: number, message: string): void {
    this.#reply(status, JSON.stringify(ghlErrorBody(status, message)));
  }

  #reply(status: number, text: string): void {
    this.#entry.status = status;
    this.replier.reply(status, this.#headers, text);
  }
}
