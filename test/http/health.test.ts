import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type Runtime, startRuntime } from '../../src/runtime.js';
import { freshPostgresUrl, onPostgres, pgliteTemplate } from '../helpers/db.js';
import { TEST_METRICS_TOKEN, testConfig } from '../helpers/config.js';
import { silentLogger } from '../helpers/logger.js';

let rt: Runtime | null = null;
let shared: Runtime;
beforeAll(async () => {
  shared = await start();
});
afterAll(async () => {
  await shared?.close();
});
afterEach(async () => {
  await rt?.close().catch(() => {});
  rt = null;
});

async function start(): Promise<Runtime> {
  const config = testConfig(onPostgres ? { DATABASE_URL: await freshPostgresUrl() } : {});
  return startRuntime({
    config,
    clock: new ManualClock(),
    logger: silentLogger,
    pgliteTemplate: onPostgres ? undefined : await pgliteTemplate(),
  });
}

describe('operational routes', () => {
  it('/healthz and /readyz answer when the database is up', async () => {
    expect((await request(shared.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(shared.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: 'ok' });
  });

  it('/readyz fails with 503 when the database is gone', async () => {
    rt = await start();
    await rt.db.close();
    const res = await request(rt.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('NOT_READY');
  });

  it('an unknown route gives the JSON error shape with security headers', async () => {
    const res = await request(shared.app).get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /no/such/route' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('/metrics speaks Prometheus text', async () => {
    await request(shared.app).get('/healthz');
    const res = await request(shared.app).get('/metrics').set('Authorization', `Bearer ${TEST_METRICS_TOKEN}`);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/# TYPE ringback_http_requests_total counter/);
    expect(res.text).toMatch(/ringback_http_requests_total\{status="2xx"\} [1-9]/);
  });
});
