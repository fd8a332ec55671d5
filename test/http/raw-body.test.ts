import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawBody } from '../../src/http/raw-body.js';

const LIMIT = 1024;
let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.post('/echo', rawBody(LIMIT), (req, res) => {
    const body: unknown = req.body;
    const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    res.json({ length: bytes.length, sha: createHash('sha256').update(bytes).digest('hex') });
  });
  app.use(((err, _req, res, _next) => {
    res.status(err.status ?? 500).json({ type: err.type });
  }) as express.ErrorRequestHandler);
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function chunked(b: Buffer): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      c.enqueue(new Uint8Array(b.subarray(0, 10)));
      c.enqueue(new Uint8Array(b.subarray(10)));
      c.close();
    },
  });
}

async function send(body: BodyInit, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('rawBody: the exact bytes, as express.raw reads them', () => {
  const bytes = Buffer.from(JSON.stringify({ type: 'InboundMessage', text: 'é€😀'.repeat(20) }));

  it('reads a body with a Content-Length byte for byte', async () => {
    expect(await send(new Uint8Array(bytes))).toEqual({ status: 200, body: { length: bytes.length, sha: sha(bytes) } });
  });

  it('reads an empty body as zero bytes', async () => {
    expect(await send('')).toEqual({ status: 200, body: { length: 0, sha: sha(Buffer.alloc(0)) } });
  });

  it('still inflates a gzip body and reads a chunked one (express.raw does those)', async () => {
    const gz = await send(new Uint8Array(gzipSync(bytes)), { 'content-encoding': 'gzip' });
    expect(gz).toEqual({ status: 200, body: { length: bytes.length, sha: sha(bytes) } });
    expect(await send(chunked(bytes))).toEqual({ status: 200, body: { length: bytes.length, sha: sha(bytes) } });
  });

  it('answers 413 to a body over the limit, declared or chunked, and 415 to an unknown encoding', async () => {
    const big = Buffer.alloc(LIMIT + 1, 0x20);
    expect(await send(new Uint8Array(big))).toEqual({ status: 413, body: { type: 'entity.too.large' } });
    expect(await send(chunked(big))).toEqual({ status: 413, body: { type: 'entity.too.large' } });
    expect((await send(new Uint8Array(bytes), { 'content-encoding': 'rot13' })).status).toBe(415);
  });
});
