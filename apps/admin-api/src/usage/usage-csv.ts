import { StreamableFile } from '@nestjs/common';

/**
 * A small RFC 4180 writer. No CSV library is installed in the workspace, and the exports are a handful of columns
 * of numbers, dates, ids and names, so a few lines that quote correctly are less to maintain than a new
 * dependency.
 */
export type CsvCell = string | number | null;

/** Cells a spreadsheet would run as a formula; names here are chosen by tenants, and admins open the exports. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

function cell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  // OWASP's advice against CSV injection: a leading apostrophe makes spreadsheets read the cell as text.
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line and one line per row, each ended by CRLF as RFC 4180 has it. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => `${row.map(cell).join(',')}\r\n`).join('');
}

/**
 * A non-negative decimal string (a SQL numeric as text) with exactly `places` decimals, rounded half up, without
 * going through a float: `0.0012345` → `0.001235` at 6 places.
 */
export function fixedDecimal(text: string, places: number): string {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new Error(`Not a non-negative decimal: ${text}`);
  const [, whole = '0', fraction = ''] = match;
  const digits = fraction.padEnd(places + 1, '0');
  let scaled = BigInt(whole + digits.slice(0, places));
  if (Number(digits[places]) >= 5) scaled += 1n;
  const padded = scaled.toString().padStart(places + 1, '0');
  return places === 0 ? padded : `${padded.slice(0, -places)}.${padded.slice(-places)}`;
}

export interface CsvFile {
  filename: string;
  body: string;
}

/** The answer of an export route: Nest sets the type, the length and the attachment's file name from it. */
export function csvFile(file: CsvFile): StreamableFile {
  return new StreamableFile(Buffer.from(file.body, 'utf8'), {
    type: 'text/csv; charset=utf-8',
    // File names are built from ids, dates and fixed words only, so they need no escaping in the header.
    disposition: `attachment; filename="${file.filename}"`,
  });
}
