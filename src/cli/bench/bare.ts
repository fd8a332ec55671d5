/**
 * The ceiling of the HTTP layer: express answering 200 to the same signed POSTs after reading the body as
 * Ringback does (express.raw), with nothing else. Same load process, same keep-alive connections.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { serve } from './rpc.js';

const app = express();
app.disable('x-powered-by');
app.post('/webhooks/ghl', express.raw({ type: () => true, limit: '1mb' }), (_req, res) => {
  res.status(200).json({ ok: true, duplicate: false });
});
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serve({}, { url: `http://127.0.0.1:${port}` });
});
process.on('SIGTERM', () => process.exit(0));
