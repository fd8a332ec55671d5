/**
 * CSV cells (RFC 4180) that a spreadsheet opens as text. Every cell is quoted and its quotes doubled; a cell
 * that starts with = + - @, a tab or a carriage return would be read as a formula by Excel, Sheets or LibreOffice
 * (OWASP "CSV Injection"), so it is prefixed with an apostrophe, which shows the text as typed.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** One line, CRLF-terminated as RFC 4180 says. */
export function csvLine(cells: (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
