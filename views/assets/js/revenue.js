// Revenue recovered and Voice AI figures for the dashboard (GET /api/stats `revenue`, `voiceAi`), kept apart
// from dashboard.js so that file needs only a line per figure.

/** "about $4,200": $10 steps under $1,000, else $100 (as the digest says it). */
export function aboutDollars(value) {
  const step = value < 1000 ? 10 : 100;
  return `about $${(Math.round(value / step) * step).toLocaleString('en-US')}`;
}

/** The KPI's value and its line below: "about $4,200" / "7 leads recovered, 2 without a value". */
export function revenueFigures(rev) {
  if (!rev || rev.leads === 0) return { value: '$0', sub: 'no lead recovered yet' };
  const unknown = rev.leads - rev.valuedLeads;
  const leads = `${rev.leads} lead${rev.leads === 1 ? '' : 's'} recovered`;
  return {
    value: rev.valuedLeads > 0 ? aboutDollars(rev.value) : '–',
    sub: unknown > 0 ? `${leads}, ${unknown} without a value` : leads,
  };
}

/** The worth of one source's recovered leads, for the "By source" table. */
export function sourceWorth(rev, source) {
  const row = rev?.bySource?.find((b) => b.source === source);
  return row && row.valuedLeads > 0 ? aboutDollars(row.value) : '–';
}

/** "3 of 12": the missed calls GHL's Voice AI handled (booked or took a message); null when it handled none. */
export function voiceAiFigures(v) {
  if (!v || v.handled + v.hungUp === 0) return null;
  const parts = [`${v.booked} booked`, `${v.messages} message${v.messages === 1 ? '' : 's'} taken`];
  if (v.hungUp) parts.push(`${v.hungUp} hung up on it`);
  return { value: String(v.handled), sub: parts.join(', ') };
}
