/**
 * `tsx src/cli/bench/ghl-client-cpu.ts`: the GHL client's own CPU for the six calls of a missed call (the
 * attribution's contact read and tag add, the first text's contact read, conversation search, messages and
 * send), with nothing else in the process. The answers come from another process: the documented shapes of
 * test/fixtures/ghl and the headers the sandbox sends. Prints the least and the median of ten rounds, in CPU
 * time (user + system), so that other load on the machine moves it less than it moves wall time.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../clock.js';
import type { Config } from '../../config.js';
import { createGhlRequester } from '../../ghl/http.js';
import { Anything, ContactAnswer, ConversationsAnswer, MessagesAnswer, SendAnswer } from '../../ghl/schemas.js';
import type { TokenVault } from '../../ghl/tokens.js';
import { createLogger } from '../../logger.js';
import { Metrics } from '../../metrics.js';

const ROUND = 5000;

function serve(): void {
  const fixture = (name: string) =>
    readFileSync(new URL(`../../../test/fixtures/ghl/${name}.json`, import.meta.url), 'utf8');
  const contact = fixture('api-contact');
  const conversations = fixture('api-conversations-search');
  const messages = fixture('api-messages-nested');
  const sent = fixture('api-send-message');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '';
      let body = contact;
      if (url.startsWith('/conversations/search')) body = conversations;
      else if (url.startsWith('/conversations/messages')) body = sent;
      else if (url.includes('/messages')) body = messages;
      else if (url.endsWith('/tags')) body = '{"tags":["Missed Call"]}';
      res.writeHead(200, {
        'X-RateLimit-Max': '100',
        'X-RateLimit-Remaining': '87',
        'X-RateLimit-Interval-Milliseconds': '10000',
        'X-RateLimit-Limit-Daily': '200000',
        'X-RateLimit-Daily-Remaining': '199000',
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        ETag: 'W/"c2f-0123456789abcdefghijklmnopq"',
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
}

async function measure(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['serve']);
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(m as number)));
  const vault = { locationToken: async () => 'tok_0123456789abcdefghijklmnopqrstuvwxyz' } as unknown as TokenVault;
  const request = createGhlRequester({
    config: { ghl: { apiBaseUrl: `http://127.0.0.1:${port}` } } as Config,
    clock: systemClock,
    logger: createLogger('silent'),
    metrics: new Metrics(),
    vault,
    options: { rateLimit: { max: 1e9, intervalMs: 10_000 } },
  });
  let n = 0;
  async function missedCall(): Promise<void> {
    const locationId = `loc_${n % 400}`;
    const contactId = `con_${n++}`;
    const contact = { locationId, method: 'GET', path: `/contacts/${contactId}`, schema: ContactAnswer } as const;
    await request({ ...contact, idempotent: true });
    const tags = { tags: ['Missed Call'] };
    await request({
      locationId,
      method: 'POST',
      path: `/contacts/${contactId}/tags`,
      body: tags,
      schema: Anything,
      idempotent: true,
    });
    await request({ ...contact, idempotent: true });
    const query = { locationId, contactId, limit: 20 };
    await request({
      locationId,
      method: 'GET',
      path: '/conversations/search',
      query,
      schema: ConversationsAnswer,
      idempotent: true,
    });
    const page = { limit: 100, lastMessageId: undefined };
    await request({
      locationId,
      method: 'GET',
      path: '/conversations/c1/messages',
      query: page,
      schema: MessagesAnswer,
      idempotent: true,
    });
    const sms = { type: 'SMS', contactId, message: 'Sorry we missed your call. How can we help?' };
    await request({
      locationId,
      method: 'POST',
      path: '/conversations/messages',
      body: sms,
      schema: SendAnswer,
      idempotent: false,
    });
  }
  async function round(calls: number): Promise<void> {
    let left = calls;
    const lane = async () => {
      while (left-- > 0) await missedCall();
    };
    await Promise.all(Array.from({ length: 16 }, lane));
  }
  await round(ROUND);
  const perCall: number[] = [];
  for (let i = 0; i < 10; i++) {
    const before = process.cpuUsage();
    await round(ROUND);
    const used = process.cpuUsage(before);
    perCall.push((used.user + used.system) / 1000 / ROUND);
  }
  perCall.sort((a, b) => a - b);
  console.log(
    `GHL client CPU per missed call (6 calls): least ${perCall[0]!.toFixed(3)} ms, median ${perCall[5]!.toFixed(3)} ms`,
  );
  child.kill();
}

if (process.argv[2] === 'serve') serve();
else await measure();
