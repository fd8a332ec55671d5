// Missed vs recovered per day as an inline SVG bar chart (elements built with createElementNS, no markup).
// Drawn at the width it is shown at, so its labels stay 11 px on a phone; dates read "Mon, Jan 5".
import { h } from './dom.js';
import { dayLabel } from './zone.js';

const H = 220;
const PAD = { left: 36, right: 8, top: 12, bottom: 30 };

/** `width`: the pixels available (the card's inner width). */
export function dayChart(perDay, width = 900) {
  const W = Math.max(200, Math.round(width));
  const max = Math.max(1, ...perDay.map((d) => d.missed));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, perDay.length);
  const barW = Math.max(2, Math.min(28, slot * 0.38));
  const y = (v) => PAD.top + plotH - (v / max) * plotH;
  const ticks = [0, Math.ceil(max / 2), max].filter((v, i, all) => all.indexOf(v) === i);
  // A label needs about 74 px ("Mon, Jan 5"), 44 px when it is the date alone ("Jan 5").
  const long = slot >= 74;
  const labelEvery = Math.max(1, Math.ceil((long ? 74 : 44) / slot));
  const total = perDay.reduce((s, d) => s + d.missed, 0);
  const recovered = perDay.reduce((s, d) => s + d.recovered, 0);
  const first = perDay[0]?.day;
  const last = perDay[perDay.length - 1]?.day;
  return h(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      width: W,
      height: H,
      role: 'img',
      'aria-label': `Missed calls and recovered callers per day${first ? `, ${dayLabel(first)} to ${dayLabel(last)}` : ''}: ${total} missed, ${recovered} recovered`,
    },
    ticks.map((t) =>
      h(
        'g',
        {},
        h('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t) }),
        h('text', { x: PAD.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, String(t)),
      ),
    ),
    perDay.map((d, i) => {
      const x = PAD.left + i * slot + slot / 2;
      const label = dayLabel(d.day);
      const shown = (perDay.length - 1 - i) % labelEvery === 0;
      return h(
        'g',
        { dataset: { day: d.day } },
        h(
          'rect',
          {
            class: 'bar-missed',
            x: x - barW,
            y: y(d.missed),
            width: barW,
            height: Math.max(0, y(0) - y(d.missed)),
            rx: 2,
          },
          h('title', {}, `${label}: ${d.missed} missed`),
        ),
        h(
          'rect',
          {
            class: 'bar-recovered',
            x,
            y: y(d.recovered),
            width: barW,
            height: Math.max(0, y(0) - y(d.recovered)),
            rx: 2,
          },
          h('title', {}, `${label}: ${d.recovered} recovered`),
        ),
        shown
          ? h(
              'text',
              { class: 'day-label', x, y: H - 10, 'text-anchor': 'middle' },
              long ? label : dayLabel(d.day, { month: 'short', day: 'numeric' }),
            )
          : null,
      );
    }),
  );
}
