// ISO 8601 durations in words ("2 minutes", "1 day 2 hours"), with the server's rules: fixed units only.

const UNITS = [
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** Seconds of `PT2M`, `P1DT2H`, `P1W`; null when the server would reject it. */
export function parseDuration(text) {
  const weeks = /^P(\d+)W$/.exec(text ?? '');
  if (weeks) return Number(weeks[1]) * 7 * 86_400;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text ?? '');
  if (!m || text.endsWith('T') || m.slice(1).every((v) => v === undefined)) return null;
  const [, d = 0, hr = 0, min = 0, s = 0] = m;
  return Number(d) * 86_400 + Number(hr) * 3_600 + Number(min) * 60 + Number(s);
}

export function durationWords(seconds) {
  let rest = Math.max(0, Math.floor(seconds));
  const words = [];
  for (const [size, unit] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) words.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
  }
  return words.length > 0 ? words.join(' ') : 'immediately';
}

/** "2 minutes after the call", or a hint when the text is not a duration. */
export function describeDelay(text, suffix) {
  const seconds = parseDuration(text);
  if (seconds === null) return 'Not a duration yet: use PT2M, PT1H30M, P1D…';
  return seconds === 0 ? `Immediately ${suffix}`.trim() : `${durationWords(seconds)} ${suffix}`.trim();
}

/** 95 → "1 min 35 s"; null → "–". */
export function shortDuration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3_600) {
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds % 60);
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  const hr = Math.floor(seconds / 3_600);
  const m = Math.round((seconds % 3_600) / 60);
  return m ? `${hr} h ${m} min` : `${hr} h`;
}
