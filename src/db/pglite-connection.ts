// Speed: replaces @electric-sql/pglite/node-postgres's connection (one WebAssembly entry and one PGlite-side parse per protocol message); figure in the class comment (issue 19).
import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import { parse, serialize } from 'pg-protocol';

/**
 * node-postgres's view of the embedded database, as PGlite's own adapter gives it, but cheaper per statement.
 * PGlite's adapter hands each protocol message (parse, bind, describe, execute, sync) to PGlite on its own
 * and has PGlite parse every reply into objects; here the messages a query sends in one go reach PGlite
 * together, and its raw reply bytes are parsed once, by pg's own protocol parser, as a socket's would be. The
 * database sees the same bytes in the same order, so errors, skipped messages up to Sync and transactions
 * behave as before. PGlite is the service's, one connection, and nothing else (LISTEN, PGlite's own
 * transactions) uses it, which is what bypassing its protocol wrappers assumes.
 *
 * On PGlite the database shares the service's one core: bench e2e at 100 missed calls/s, PGlite's JavaScript
 * was about 1 ms of the 10 ms of CPU per call (window profile), most of it in this per-message path.
 */
export class PgliteConnection extends EventEmitter {
  /** Checked by pg's Client.end(), which skips connection.end() without it. */
  _connecting = false;
  /** pg's Client.end() destroys the stream when a query is still active. */
  readonly stream = { destroy: () => this.end() };
  parsedStatements: Record<string, string> = {};
  submittedNamedStatements: Record<string, string> = {};

  readonly #pglite: PGlite;
  #queue: Promise<unknown>;
  #pending: Uint8Array[] = [];
  #emitMessage = false;
  /** What pg-protocol's parser reads from, like a socket: one 'data' event per reply. */
  readonly #replies = new EventEmitter();

  constructor(pglite: PGlite) {
    super();
    this.#pglite = pglite;
    this.#queue = pglite.waitReady;
    this.on('newListener', (name) => {
      if (name === 'message') this.#emitMessage = true;
    });
    void parse(this.#replies as unknown as NodeJS.ReadableStream, (msg) => {
      if (this.#emitMessage) this.emit('message', msg);
      // node-postgres expects ErrorResponse as 'errorMessage'.
      this.emit(msg.name === 'error' ? 'errorMessage' : msg.name, msg);
    });
  }

  /**
   * Messages sent in the same tick (pg writes a query's parse, bind, describe, execute and sync at once) go to
   * PGlite as one buffer once the queue reaches them.
   */
  #send(message: Uint8Array): void {
    this.#pending.push(message);
    if (this.#pending.length > 1) return;
    this.#queue = this.#queue
      .then(() => this.#run())
      .catch((err) => {
        this.emit('error', err);
      });
  }

  async #run(): Promise<void> {
    const messages = this.#pending;
    this.#pending = [];
    const input = messages.length === 1 ? messages[0]! : Buffer.concat(messages);
    const chunks: Buffer[] = [];
    // A chunk is a view of WebAssembly memory that the next one overwrites: copied.
    await this.#pglite.execProtocolRawStream(input, { onRawData: (chunk) => chunks.push(Buffer.from(chunk)) });
    // Replies are handed on once PGlite is done, as its own adapter does: pg may send its next query from them.
    for (const chunk of chunks) this.#replies.emit('data', chunk);
  }

  async connect(_port: number, _host: string): Promise<void> {
    this._connecting = true;
    await this.#pglite.waitReady;
    process.nextTick(() => this.emit('readyForQuery'));
  }

  end(): void {
    // Like a socket closing: pg waits for 'end'. The PGlite instance outlives the pool's clients.
    this.#queue = this.#queue.then(() => this.emit('end'));
    // The pool reuses this connection for its next client: the ended client's listeners must not hear it.
    for (const name of this.eventNames()) if (name !== 'newListener') this.removeAllListeners(name);
    this.#emitMessage = false;
  }

  requestSsl(): void {}
  startup(_config: unknown): void {}
  cancel(_processId: unknown, _secretKey: unknown): void {}
  password(_password: string): void {}
  ref(): void {}
  unref(): void {}

  query(text: string): void {
    this.#send(serialize.query(text));
  }
  parse(query: Parameters<typeof serialize.parse>[0]): void {
    this.#send(serialize.parse(query));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.#send(serialize.bind(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.#send(serialize.execute(config));
  }
  describe(msg: Parameters<typeof serialize.describe>[0]): void {
    this.#send(serialize.describe(msg));
  }
  close(msg: Parameters<typeof serialize.close>[0]): void {
    this.#send(serialize.close(msg));
  }
  flush(): void {
    this.#send(serialize.flush());
  }
  sync(): void {
    this.#send(serialize.sync());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.#send(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.#send(serialize.copyDone());
  }
  sendCopyFail(msg: string): void {
    this.#send(serialize.copyFail(msg));
  }
  sendSASLInitialResponseMessage(mechanism: string, initialResponse: string): void {
    this.#send(serialize.sendSASLInitialResponseMessage(mechanism, initialResponse));
  }
  sendSCRAMClientFinalMessage(additionalData: string): void {
    this.#send(serialize.sendSCRAMClientFinalMessage(additionalData));
  }
}
