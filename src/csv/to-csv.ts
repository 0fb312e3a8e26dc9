// The one CSV writer: every CSV the tool writes (scores, worklists, report tables) goes
// through it, so every field is quoted the same way (RFC 4180).

// A field: text as is, a number to 10 significant digits; null, undefined or a non-finite
// number is an empty field (missing).
export type CsvCell = string | number | null | undefined;

// CSV text from a header and rows, one line each ending in \n. A field holding a comma, a
// double quote, \n or \r is quoted, with its quotes doubled.
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && !Number.isFinite(value)) return '';
  const text = typeof value === 'number' ? String(Number(value.toPrecision(10))) : value;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
