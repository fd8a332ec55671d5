/**
 * `GET /app`: the settings page GHL embeds as a custom page, and its static assets under /app/assets. The page
 * may be framed by GHL's domains, the agency's white-label domains and configured extras only; it runs no
 * inline script or style, so its CSP needs no 'unsafe-inline'.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Config } from '../config.js';

export const VIEWS_DIR = fileURLToPath(new URL('../../views/', import.meta.url));

/** GHL's app domains (docs/ghl-platform.md §8): where the custom page's iframe lives. */
export const GHL_ORIGINS = [
  'https://app.gohighlevel.com',
  'https://*.gohighlevel.com',
  'https://app.leadconnectorhq.com',
  'https://*.leadconnectorhq.com',
];

export function allowedOrigins(config: Pick<Config, 'frameAncestors'>): string[] {
  return [...new Set([...GHL_ORIGINS, ...config.frameAncestors])];
}

export function pageCsp(config: Pick<Config, 'frameAncestors'>): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors 'self' ${allowedOrigins(config).join(' ')}`,
  ].join('; ');
}

const ATTR_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function attr(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ATTR_ESCAPES[c] ?? c);
}

export function settingsPage(deps: { config: Config }): Router {
  const template = readFileSync(`${VIEWS_DIR}index.html`, 'utf8');
  const r = Router();
  r.get('/app', (_req, res) => {
    // Built per request: tests and the demo add the sandbox's origin to the config after start-up.
    const html = template.replace('__ALLOWED_ORIGINS__', attr(allowedOrigins(deps.config).join(' ')));
    res.setHeader('Content-Security-Policy', pageCsp(deps.config));
    res.status(200).type('html').send(html);
  });
  r.use('/app/assets', express.static(`${VIEWS_DIR}assets`, { index: false, dotfiles: 'ignore', fallthrough: true }));
  return r;
}
