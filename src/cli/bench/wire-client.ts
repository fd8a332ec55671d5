/**
 * Keep-alive HTTP/1.1 POSTs written straight to sockets, for the load generator, which must not add pauses of
 * its own to the latencies it measures. With node:http's client the load process scavenged for 5-22 ms about
 * three times a second at 1,000 webhooks/s (231 scavenges over 3 ms, 1.8 s in all, in an 80 s run; the
 * service had 6), and most clusters of acknowledgements over 25 ms lined up with those pauses, not with
 * anything the service or Postgres did (bench, PerformanceObserver 'gc' in both processes next to the slow
 * acks). Here a request is one prebuilt Buffer and an answer costs a header scan.
 * It speaks only what the bench needs: one request at a time per connection, answers without trailers.
 */
import net from 'node:net';

/** Called once per request with the answer's status, or 0 when the connection failed first. */
export type Done = (status: number) => void;

const HEADER_END = Buffer.from('\r\n\r\n');

/** The whole request, head and body, encoded once so sending it allocates nothing. */
export function postBytes(url: URL, headers: Record<string, string>, body: Buffer): Buffer {
  let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  head += `Content-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

interface Answer {
  status: number;
  /** Bytes the whole answer takes, or -1 while its head is incomplete. */
  size: number;
  close: boolean;
}

function parseAnswer(buf: Buffer): Answer | null {
  const end = buf.indexOf(HEADER_END);
  if (end === -1) return { status: 0, size: -1, close: false };
  const head = buf.toString('latin1', 0, end).toLowerCase();
  const status = Number(head.slice(9, 12));
  if (!head.startsWith('http/1.1 ') || !Number.isInteger(status)) return null;
  const close = /\r\nconnection:\s*close/.test(head);
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length) return { status, size: end + HEADER_END.length + Number(length[1]), close };
  if (!/\r\ntransfer-encoding:\s*chunked/.test(head)) return null;
  const size = chunkedEnd(buf, end + HEADER_END.length);
  return size === null ? null : { status, size, close };
}

/** Where a chunked body starting at `from` ends (no trailers), -1 while incomplete, null if malformed. */
function chunkedEnd(buf: Buffer, from: number): number | null {
  let at = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol === -1) return -1;
    const size = Number.parseInt(buf.toString('latin1', at, eol), 16);
    if (!Number.isInteger(size) || size < 0) return null;
    if (size === 0) return buf.length >= eol + 4 ? eol + 4 : -1;
    at = eol + 2 + size + 2;
    if (at > buf.length) return -1;
  }
}

class Connection {
  readonly #socket: net.Socket;
  #done: Done | null = null;
  #pending: Buffer | null = null;

  constructor(
    url: URL,
    private readonly idle: (c: Connection) => void,
    private readonly gone: (c: Connection) => void,
  ) {
    this.#socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    this.#socket.on('data', (d: Buffer) => this.#data(d));
    this.#socket.on('error', () => this.#socket.destroy());
    this.#socket.on('close', () => {
      const done = this.#done;
      this.#done = null;
      this.gone(this);
      done?.(0);
    });
  }

  send(request: Buffer, done: Done): void {
    this.#done = done;
    this.#socket.write(request);
  }

  close(): void {
    this.#socket.destroy();
  }

  #data(d: Buffer): void {
    const buf = this.#pending ? Buffer.concat([this.#pending, d]) : d;
    const answer = parseAnswer(buf);
    if (!answer) {
      this.#socket.destroy();
      return;
    }
    if (answer.size === -1 || buf.length < answer.size) {
      this.#pending = buf;
      return;
    }
    this.#pending = null;
    const done = this.#done;
    this.#done = null;
    // Freed before the answer is reported, so a closed loop's next request goes out on this same connection.
    if (answer.close) this.#socket.destroy();
    else this.idle(this);
    done?.(answer.status);
  }
}

/** Up to `maxConnections` keep-alive connections to one origin; requests beyond that wait for one to free up. */
export class WireClient {
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #waiting: Array<[Buffer, Done]> = [];

  constructor(
    private readonly url: URL,
    private readonly maxConnections: number,
  ) {}

  post(request: Buffer, done: Done): void {
    const c = this.#idle.pop() ?? (this.#all.size < this.maxConnections ? this.#open() : undefined);
    if (c) c.send(request, done);
    else this.#waiting.push([request, done]);
  }

  /** Ends every connection; a request still waiting for one is answered 0. */
  close(): void {
    for (const [, done] of this.#waiting.splice(0)) done(0);
    for (const c of this.#all) c.close();
  }

  #open(): Connection {
    const c = new Connection(
      this.url,
      (free) => this.#free(free),
      (dead) => {
        this.#all.delete(dead);
        const i = this.#idle.indexOf(dead);
        if (i !== -1) this.#idle.splice(i, 1);
        const next = this.#waiting.shift();
        if (next) this.post(...next);
      },
    );
    this.#all.add(c);
    return c;
  }

  #free(c: Connection): void {
    const next = this.#waiting.shift();
    if (next) c.send(...next);
    else this.#idle.push(c);
  }
}
