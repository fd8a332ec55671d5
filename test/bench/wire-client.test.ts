import { createHash } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Done, postBytes, WireClient } from '../../src/cli/bench/wire-client.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function listen(server: net.Server): Promise<URL> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    if (server instanceof http.Server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/ghl?x=1`);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const send = (client: WireClient, request: Buffer) =>
  new Promise<number>((resolve: Done) => client.post(request, resolve));

/** An http server that records what arrived and on how many connections, answering with `status`. */
async function recordingServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Array<{ url: string | undefined; signature: unknown; sha: string }> = [];
  let connections = 0;
  let open = 0;
  let maxOpen = 0;
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      seen.push({ url: req.url, signature: req.headers['x-ghl-signature'], sha: sha(Buffer.concat(parts)) });
      answer(req, res);
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    socket.on('close', () => {
      open -= 1;
    });
  });
  const url = await listen(server);
  return { url, seen, stats: () => ({ connections, maxOpen }) };
}

describe('WireClient, the load generator’s HTTP client', () => {
  it('sends the prebuilt request as is and reuses one keep-alive connection', async () => {
    const s = await recordingServer((_req, res) => {
      res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
    const client = new WireClient(s.url, 4);
    closers.push(async () => client.close());
    const bodies = [Buffer.from('{"a":1}'), Buffer.from('{"b":"ü"}'), Buffer.alloc(70_000, 'x')];
    const statuses: number[] = [];
    for (const body of bodies) {
      statuses.push(await send(client, postBytes(s.url, { 'X-GHL-Signature': `sig-${body.length}` }, body)));
    }
    expect(statuses).toEqual([202, 202, 202]);
    expect(s.seen).toEqual(
      bodies.map((b) => ({ url: '/webhooks/ghl?x=1', signature: `sig-${b.length}`, sha: sha(b) })),
    );
    expect(s.stats().connections).toBe(1);
  });

  it('waits for an answer split across packets, then for its whole body', async () => {
    const body = '{"ok":true,"duplicate":false}';
    const head = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      socket.on('data', () => {
        const whole = head + body;
        // Cut inside the head, then inside the body, each piece sent after a pause.
        const cuts = [10, head.length + 5, whole.length];
        cuts.forEach((end, i) => {
          setTimeout(() => socket.write(whole.slice(cuts[i - 1] ?? 0, end)), 20 * (i + 1));
        });
      });
    });
    const url = await listen(server);
    const client = new WireClient(url, 1);
    closers.push(async () => client.close());
    const started = performance.now();
    expect(await send(client, postBytes(url, {}, Buffer.from('{}')))).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(await send(client, postBytes(url, {}, Buffer.from('{}')))).toBe(200);
  });

  it('opens a new connection after an answer that closes its own', async () => {
    const s = await recordingServer((_req, res) => {
      res.writeHead(429, { Connection: 'close', 'Retry-After': '60' }).end('{}');
    });
    const client = new WireClient(s.url, 1);
    closers.push(async () => client.close());
    expect(await send(client, postBytes(s.url, {}, Buffer.from('1')))).toBe(429);
    expect(await send(client, postBytes(s.url, {}, Buffer.from('2')))).toBe(429);
    expect(s.stats().connections).toBe(2);
  });

  it('reports 0 for a request whose connection dies or whose answer is not HTTP', async () => {
    let n = 0;
    const server = net.createServer((socket) => {
      socket.on('data', () => {
        n += 1;
        if (n === 1) socket.destroy();
        else socket.end('garbage\r\n\r\n');
      });
    });
    const url = await listen(server);
    const client = new WireClient(url, 1);
    closers.push(async () => client.close());
    expect(await send(client, postBytes(url, {}, Buffer.from('1')))).toBe(0);
    expect(await send(client, postBytes(url, {}, Buffer.from('2')))).toBe(0);
  });

  it('holds requests beyond its connection limit until a connection frees up', async () => {
    const s = await recordingServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'), 10);
    });
    const client = new WireClient(s.url, 3);
    closers.push(async () => client.close());
    const bodies = Array.from({ length: 20 }, (_, i) => Buffer.from(`{"i":${i}}`));
    const statuses = await Promise.all(bodies.map((b) => send(client, postBytes(s.url, {}, b))));
    expect(statuses).toEqual(bodies.map(() => 200));
    expect(s.seen.map((x) => x.sha).sort()).toEqual(bodies.map(sha).sort());
    expect(s.stats().maxOpen).toBe(3);
  });
});
