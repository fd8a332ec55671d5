/**
 * `GET /app`: the settings page GHL embeds as a custom page, and its static assets under /app/assets. The page
 * may be framed by GHL's domains, installed agencies' white-label domains and configured extras only; it runs no
 * inline script or style, so its CSP needs no 'unsafe-inline'.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { whiteLabelOrigins } from '../installations/white-label.js';

export const VIEWS_DIR = fileURLToPath(new URL('../../views/', import.meta.url));
/** The core's plain modules the page imports as they are: src/core/shared/ here, dist/core/shared/ once built. */
export const SHARED_CORE_DIR = fileURLToPath(new URL('../core/shared/', import.meta.url));

/** GHL's app domains (docs/ghl-platform.md §8): where the custom page's iframe lives. */
export const GHL_ORIGINS = [
  'https://app.gohighlevel.com',
  'https://*.gohighlevel.com',
  'https://app.leadconnectorhq.com',
  'https://*.leadconnectorhq.com',
];

export function allowedOrigins(config: Pick<Config, 'frameAncestors'>, whiteLabel: readonly string[] = []): string[] {
  return [...new Set([...GHL_ORIGINS, ...config.frameAncestors, ...whiteLabel])];
}

export function pageCsp(config: Pick<Config, 'frameAncestors'>, whiteLabel: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors 'self' ${allowedOrigins(config, whiteLabel).join(' ')}`,
  ].join('; ');
}

const EMAIL_FRAME =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Email preview</title></head><body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#101828"></body></html>';

const ATTR_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function attr(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ATTR_ESCAPES[c] ?? c);
}

export function settingsPage(deps: { config: Config; db: Kysely<Database>; clock: Clock }): Router {
  const template = readFileSync(`${VIEWS_DIR}index.html`, 'utf8');
  // The white-label domains of installed agencies (src/installations/white-label.ts), in the page's own scheme.
  const whiteLabel = whiteLabelOrigins(deps, () => new URL(deps.config.appBaseUrl).protocol.slice(0, -1));
  const r = Router();
  r.get('/app', async (_req, res) => {
    const agencies = await whiteLabel();
    // Built per request: tests and the demo add the sandbox's origin to the config after start-up.
    const html = template.replace('__ALLOWED_ORIGINS__', attr(allowedOrigins(deps.config, agencies).join(' ')));
    res.setHeader('Content-Security-Policy', pageCsp(deps.config, agencies));
    res.status(200).type('html').send(html);
  });
  // The frame the email editor previews into (views/assets/js/email-editor.js): a blank document the page fills
  // with the rendered email. Sandboxed without scripts, and its own CSP runs none either; inline styles are allowed
  // here only, because emails are styled inline (docs/design.md, "Settings page").
  r.get('/app/email-preview', async (_req, res) => {
    // frame-ancestors counts every ancestor: the page, and GHL's frame around it.
    const ancestors = allowedOrigins(deps.config, await whiteLabel()).join(' ');
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; script-src 'none'; frame-ancestors 'self' ${ancestors}`,
    );
    res.status(200).type('html').send(EMAIL_FRAME);
  });
  r.use('/app/assets', express.static(`${VIEWS_DIR}assets`, { index: false, dotfiles: 'ignore', fallthrough: true }));
  r.use('/app/core', express.static(SHARED_CORE_DIR, { index: false, dotfiles: 'ignore', fallthrough: true }));
  return r;
}
