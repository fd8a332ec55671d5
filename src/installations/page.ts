import type { InstallResult } from './install.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** The page the browser lands on after the OAuth callback: what was installed, every value escaped. */
export function installedPage(result: InstallResult): string {
  const items = result.locations
    .map((l) => {
      const label = l.name ? `${escapeHtml(l.name)} <small>(${escapeHtml(l.id)})</small>` : escapeHtml(l.id);
      const note = l.ready ? '' : ' <em>(finishing: waiting for GHL to confirm the location)</em>';
      return `<li>${label}${note}</li>`;
    })
    .join('\n      ');
  const heading =
    result.kind === 'company'
      ? `Ringback is installed for your agency in ${result.locations.length} sub-account${result.locations.length === 1 ? '' : 's'}`
      : 'Ringback is installed';
  const empty = result.locations.length === 0 ? '<p>No sub-account has the app installed yet.</p>' : '';
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Ringback installed</title><meta name="viewport" content="width=device-width"></head>
  <body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
    <h1>${escapeHtml(heading)}</h1>
    <ul>
      ${items}
    </ul>
    ${empty}
    <p>Missed calls in these sub-accounts now get a follow-up. Open Ringback from the sub-account menu to review
    the messages, routing and send window.</p>
  </body>
</html>
`;
}
