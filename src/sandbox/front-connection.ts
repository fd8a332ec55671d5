import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { Exchange, type ExchangeDeps, type Replier } from './exchange.js';
import { parseSimpleForm } from './form-body.js';
import { ABORTED, parseStrictJson } from './json-body.js';
import { formatReply } from './json-reply.js';
import { type PlainRequest, plainRequest } from './plain-request.js';
import type { RouteTable } from './route-table.js';
import { readHead } from './request-head.js';

export interface FrontDeps {
  api: ExchangeDeps;
  table: RouteTable;
  /** The express app's server; never listens itself, it is handed the connections the front does not serve. */
  http: HttpServer;
}

const EMPTY = Buffer.alloc(0);

/** One client connection while the front serves it: requests are answered one at a time, in order. */
export class Connection implements Replier {
  #buffer: Buffer = EMPTY;
  /** A request is in: answered, its answer delayed by a fault, or never answered (a timeout fault). */
  #busy = false;
  /** The request whose body is still coming in. */
  #waiting: { exchange: Exchange; length: number } | undefined;
  #advancing = false;
  #peerEnded = false;
  /** When the last answer went out: what the keep-alive timeout counts from once nothing else is in. */
  #idleSince: number | undefined;
  readonly #onData = (chunk: Buffer): void => {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    this.#idleSince = undefined;
    this.#advance();
  };
  readonly #onEnd = (): void => {
    this.#peerEnded = true;
    this.#abortBody();
    this.#advance();
  };
  readonly #onError = (): void => {
    // 'close' follows, which is all that matters here.
  };

  constructor(
    readonly socket: Socket,
    private readonly deps: FrontDeps,
    private readonly live: Set<Connection>,
  ) {
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', () => {
      this.live.delete(this);
      this.#abortBody();
    });
  }

  /** 0 while a request is in or half read: like node, the keep-alive timeout only ends a quiet connection. */
  idleFor(now: number): number {
    if (this.#busy || this.#buffer.length > 0 || this.#idleSince === undefined) return 0;
    return now - this.#idleSince;
  }

  reply(status: number, headers: Record<string, string>, text: string): void {
    if (!this.socket.destroyed) this.socket.write(formatReply(status, headers, text));
    this.#busy = false;
    this.#idleSince = Date.now();
    this.#advance();
  }

  /**
   * Runs what the buffer holds; an answer given meanwhile (most are synchronous) is followed by the next. A
   * client that half-closed gets the end of the connection once nothing it sent is left unanswered.
   */
  #advance(): void {
    if (this.#advancing || this.socket.destroyed) return;
    this.#advancing = true;
    try {
      while (this.#step()) {
        // Each step took a head or a body off the buffer.
      }
    } finally {
      this.#advancing = false;
    }
    if (this.#peerEnded && !this.#busy && this.live.has(this)) this.socket.end();
  }

  #step(): boolean {
    const waiting = this.#waiting;
    if (waiting) {
      if (this.#buffer.length < waiting.length) return false;
      const text = this.#buffer.toString('utf8', 0, waiting.length);
      this.#buffer = this.#buffer.subarray(waiting.length);
      this.#waiting = undefined;
      waiting.exchange.onBody(parseStrictJson(text));
      return true;
    }
    if (this.#busy || this.#buffer.length === 0) return false;
    const head = readHead(this.#buffer);
    if (head === undefined) return false;
    const request = head === null ? undefined : plainRequest(this.deps.table, head);
    if (!head || !request) {
      this.#handOff();
      return false;
    }
    const body = request.body;
    if (body?.form) return this.#takeForm(request, head.length, body.length);
    this.#buffer = this.#buffer.subarray(head.length);
    this.#busy = true;
    const exchange = new Exchange(this.deps.api, request, this);
    if (body === undefined) exchange.onBody({ ok: true, value: undefined });
    else this.#waiting = { exchange, length: body.length };
    return true;
  }

  /**
   * A form request is taken whole or not at all: only its body tells whether it is simple enough to answer
   * here, and one that is not goes to node, head and body, as it came.
   */
  #takeForm(request: PlainRequest, headLength: number, bodyLength: number): boolean {
    if (this.#buffer.length < headLength + bodyLength) return false;
    const value = parseSimpleForm(this.#buffer.toString('utf8', headLength, headLength + bodyLength));
    if (value === undefined) {
      this.#handOff();
      return false;
    }
    this.#buffer = this.#buffer.subarray(headLength + bodyLength);
    this.#busy = true;
    new Exchange(this.deps.api, request, this).onBody({ ok: true, value });
    return true;
  }

  /** As express answers a request whose client leaves before the body is in. */
  #abortBody(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.exchange.onBody(ABORTED);
  }

  #handOff(): void {
    this.live.delete(this);
    this.socket.removeListener('data', this.#onData);
    this.socket.removeListener('end', this.#onEnd);
    this.socket.removeListener('error', this.#onError);
    if (this.#buffer.length > 0) this.socket.unshift(this.#buffer);
    this.#buffer = EMPTY;
    this.deps.http.emit('connection', this.socket);
  }
}
