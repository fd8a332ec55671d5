import { type Request, type Response, Router } from 'express';
import { queryString } from './api.js';
import { GhlError } from './ghl-http.js';
import type { AgencyUser, Location, User } from './model.js';
import { LOCATION_ID } from './seed.js';
import { encryptSso, type SsoPayload } from './sso.js';
import type { SandboxStore } from './store.js';

export interface PageDeps {
  store: SandboxStore;
  sharedSecret: string;
  appBaseUrl: () => string | undefined;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** JSON safe inside <script>: no `</script>` or `<!--` can close the element early. */
function scriptValue(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `body{margin:0;font-family:system-ui,sans-serif;display:flex;height:100vh;background:#f3f4f6}
nav{width:220px;background:#111827;color:#d1d5db;padding:16px;box-sizing:border-box}
nav h1{font-size:15px;color:#fff;margin:0 0 4px}nav small{color:#9ca3af}
nav ul{list-style:none;padding:0;margin:24px 0}nav li{padding:8px 10px;border-radius:6px;font-size:14px}
nav li.active{background:#1f2937;color:#fff}main{flex:1;display:flex;flex-direction:column}
header{height:52px;background:#fff;border-bottom:1px solid #e5e7eb;display:flex;align-items:center;
padding:0 20px;justify-content:space-between;font-size:14px}iframe{flex:1;border:0;background:#fff}
@media (max-width:700px){nav{display:none}}`;

/** What the shell shows around the frame: the sub-account, or the agency view. */
interface Shell {
  title: string;
  subtitle: string;
  userName: string;
  role: string;
}

function page(shell: Shell, payload: string, appUrl: string | undefined): string {
  const nav = ['Dashboard', 'Conversations', 'Calendars', 'Contacts', 'Opportunities', 'Ringback']
    .map((item) => `<li${item === 'Ringback' ? ' class="active"' : ''}>${html(item)}</li>`)
    .join('');
  const frame = appUrl
    ? `<iframe id="app" src="${html(`${appUrl}/app`)}" title="Ringback"></iframe>`
    : '<p style="padding:20px">The sandbox has no app base URL: call sandbox.setAppBaseUrl(url).</p>';
  const origin = appUrl ? new URL(appUrl).origin : '*';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${html(shell.title)} - HighLevel</title>
<style>${STYLE}</style></head><body>
<nav><h1>${html(shell.title)}</h1><small>${html(shell.subtitle)}</small><ul>${nav}</ul></nav>
<main><header><span>Ringback</span><span>${html(shell.userName)} (${html(shell.role)})</span></header>${frame}</main>
<script>
const payload = ${scriptValue(payload)};
const appOrigin = ${scriptValue(origin)};
window.addEventListener('message', (event) => {
  const frame = document.getElementById('app');
  if (!frame || event.source !== frame.contentWindow) return;
  if (!event.data || event.data.message !== 'REQUEST_USER_DATA') return;
  frame.contentWindow.postMessage({ message: 'REQUEST_USER_DATA_RESPONSE', payload }, appOrigin);
});
</script></body></html>`;
}

/** The user context, encrypted server-side so the page needs no crypto library. */
export function ssoPayloadFor(location: Location, user: User): SsoPayload {
  return {
    userId: user.id,
    companyId: location.companyId,
    role: user.role,
    type: 'location',
    activeLocation: location.id,
    userName: user.name,
    email: user.email,
  };
}

function render(deps: PageDeps) {
  return (req: Request, res: Response): void => {
    const rawId: unknown = req.params['locationId'];
    const location = deps.store.location(typeof rawId === 'string' ? rawId : LOCATION_ID);
    if (!location) throw new GhlError(404, 'Location not found');
    const users = deps.store.users(location.id);
    const wanted = queryString(req, 'userId');
    const user = wanted ? users.find((u) => u.id === wanted) : (users.find((u) => u.role === 'admin') ?? users[0]);
    if (!user) throw new GhlError(404, 'User not found in this location');
    const payload = encryptSso(ssoPayloadFor(location, user), deps.sharedSecret);
    const shell = { title: location.name, subtitle: location.id, userName: user.name, role: user.role };
    res
      .status(200)
      .type('html')
      .send(page(shell, payload, deps.appBaseUrl()?.replace(/\/+$/, '')));
  };
}

/**
 * The user context at agency level (docs/ghl-platform.md §8): `type: "agency"`, the company's id and no
 * `activeLocation`. `?companyId=` sends `""` instead, as GHL does for some agency owners (ISSUE #41).
 */
export function agencySsoPayload(user: AgencyUser, companyId = user.companyId): SsoPayload {
  return {
    userId: user.id,
    companyId,
    role: user.role,
    type: 'agency',
    userName: user.name,
    email: user.email,
  };
}

function renderAgency(deps: PageDeps) {
  return (req: Request, res: Response): void => {
    const companyId = String(req.params['companyId']);
    const wanted = queryString(req, 'userId');
    const users = deps.store.agencyUsers(companyId);
    const user = wanted ? users.find((u) => u.id === wanted) : (users.find((u) => u.role === 'admin') ?? users[0]);
    if (!user) throw new GhlError(404, 'User not found in this agency');
    const claimed = queryString(req, 'companyId');
    const payload = encryptSso(agencySsoPayload(user, claimed ?? companyId), deps.sharedSecret);
    const shell = { title: 'Agency view', subtitle: 'All sub-accounts', userName: user.name, role: user.role };
    res
      .status(200)
      .type('html')
      .send(page(shell, payload, deps.appBaseUrl()?.replace(/\/+$/, '')));
  };
}

/**
 * `GET /` and `GET /location/:locationId/ringback?userId=`: the GHL sub-account shell with the app in an iframe;
 * `GET /agency/:companyId/ringback?userId=`: the agency-level shell.
 */
export function ghlPageRouter(deps: PageDeps): Router {
  const r = Router();
  r.get(['/', '/location/:locationId/ringback'], render(deps));
  // The app opened from the agency's own menu, outside any sub-account.
  r.get('/agency/:companyId/ringback', renderAgency(deps));
  return r;
}
