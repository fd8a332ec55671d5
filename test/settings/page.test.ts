import { readdirSync, readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import type { Runtime } from '../../src/runtime.js';
import { testConfig } from '../helpers/config.js';
import { startApi } from './api-helpers.js';

const SHARED = new URL('../../src/core/shared/', import.meta.url);
let rt: Runtime;

beforeAll(async () => {
  ({ rt } = await startApi({
    WHITE_LABEL_DOMAINS: 'app.myagency.com, *.agency.io',
    EXTRA_FRAME_ANCESTORS: 'http://127.0.0.1:4567',
  }));
});
afterAll(async () => rt?.close());

describe('GET /app', () => {
  it('serves the page with a CSP that allows only GHL, the white-label domains and configured origins to frame it', async () => {
    const res = await request(rt.app).get('/app');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self' https://app.gohighlevel.com https://*.gohighlevel.com https://app.leadconnectorhq.com https://*.leadconnectorhq.com https://app.myagency.com https://*.agency.io http://127.0.0.1:4567",
      ].join('; '),
    );
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toContain(
      '<meta name="ringback-allowed-origins" content="https://app.gohighlevel.com https://*.gohighlevel.com https://app.leadconnectorhq.com https://*.leadconnectorhq.com https://app.myagency.com https://*.agency.io http://127.0.0.1:4567">',
    );
  });

  it('has no inline script or style: every script and stylesheet is a file under /app/assets', async () => {
    const html = (await request(rt.app).get('/app')).text;
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/app\/assets\//);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });

  it('serves the script and stylesheet, and nothing outside views/assets', async () => {
    const js = await request(rt.app).get('/app/assets/js/main.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    const css = await request(rt.app).get('/app/assets/app.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect((await request(rt.app).get('/app/assets/../index.html')).status).toBe(404);
    expect((await request(rt.app).get('/app/assets/%2e%2e/index.html')).status).not.toBe(200);
  });

  it('serves the core modules the page shares with the server as they are, and nothing else of src/', async () => {
    for (const file of ['clock-text.js', 'link-text.js', 'duration.js', 'federal-hours.js']) {
      const res = await request(rt.app).get(`/app/core/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers['content-type']).toMatch(/javascript/);
      expect(res.text).toBe(readFileSync(new URL(file, SHARED), 'utf8'));
    }
    expect((await request(rt.app).get('/app/core/../core/settings/schema.ts')).status).toBe(404);
    expect((await request(rt.app).get('/app/core/%2e%2e/settings/schema.ts')).status).not.toBe(200);
  });

  it('the shared core modules import only each other: the browser can resolve nothing else', () => {
    for (const file of readdirSync(SHARED)) {
      const text = readFileSync(new URL(file, SHARED), 'utf8');
      for (const m of text.matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'/g))
        expect(m[1] ?? m[2], file).toMatch(/^\.\/[\w-]+\.js$/);
    }
  });

  it('keeps the strict default CSP on every other route', async () => {
    const res = await request(rt.app).get('/healthz');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('the page script never uses innerHTML, document.write or eval', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = new URL('../../views/assets/js/', import.meta.url);
    for (const file of await readdir(dir)) {
      const text = await readFile(new URL(file, dir), 'utf8');
      expect(text, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    }
  });
});

describe('config', () => {
  it('derives frame ancestors from WHITE_LABEL_DOMAINS and EXTRA_FRAME_ANCESTORS', () => {
    expect(testConfig({ WHITE_LABEL_DOMAINS: 'a.example.com,https://b.example.com/' }).frameAncestors).toEqual([
      'https://a.example.com',
      'https://b.example.com',
    ]);
    expect(testConfig().frameAncestors).toEqual([]);
  });

  it('refuses values that could break out of the CSP header', () => {
    expect(() => testConfig({ WHITE_LABEL_DOMAINS: "evil.com; script-src 'unsafe-inline'" })).toThrow(ConfigError);
    expect(() => testConfig({ EXTRA_FRAME_ANCESTORS: 'javascript:alert(1)' })).toThrow(ConfigError);
  });
});
