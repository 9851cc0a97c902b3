import { parseTemplate } from './template.js';

// How the docker CLI prints lists (ps, network ls): Go's tabwriter with a minimum width of 10,
// padding 3 and no rule line, or each row through a --format template ("table" in front keeps
// the header). Headers are the column names docker/cli's formatters give the fields.

/** tabwriter.NewWriter(out, 10, 1, 3, ' ', 0): every column but the last padded to its widest cell + 3, at least 10. */
export function tabwrite(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(Math.max(10, widths[i]! + 3)))).join('').trimEnd()).join('\n');
}

export interface Listing<T> {
  /** The default columns: field name and header. */
  readonly columns: readonly (readonly [field: string, header: string])[];
  /** Every field's header, for a `table {{.X}}` format naming others. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rows: readonly T[];
  /** The ID column for -q. */
  readonly idField: string;
}

/** A listing as the CLI prints it: -q, --format (with or without `table`), or the default table. */
export function renderListing<T extends Record<string, unknown>>(l: Listing<T>, opts: { quiet?: boolean; format?: string | undefined }): string {
  if (opts.quiet) return l.rows.map((r) => `${String(r[l.idField])}\n`).join('');
  const format = opts.format;
  if (format === undefined || format === '' || format === 'table') {
    return `${tabwrite([l.columns.map(([, h]) => h), ...l.rows.map((r) => l.columns.map(([f]) => String(r[f] ?? '')))])}\n`;
  }
  if (format === 'json') return l.rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  if (format.startsWith('table ')) {
    const body = format.slice('table '.length).replaceAll('\\t', '\t');
    const t = parseTemplate(body);
    // The header row is the same template over the headers of the fields it names.
    const header = parseTemplate(body).execute(new Proxy({}, { get: (_o, key) => l.headers[String(key)] ?? String(key).toUpperCase(), has: () => true }));
    const lines = [header, ...l.rows.map((r) => t.execute(r))].map((line) => line.split('\t'));
    return `${tabwrite(lines)}\n`;
  }
  const t = parseTemplate(format.replaceAll('\\t', '\t'));
  return l.rows.map((r) => `${t.execute(r)}\n`).join('');
}

/** go-units HumanDuration: "Less than a second", "3 seconds", "About a minute", "5 minutes", "About an hour" ... */
export function humanDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

/** docker ps's COMMAND column: quoted, and cut to 20 characters with an ellipsis unless --no-trunc. */
export function commandCell(command: string, noTrunc: boolean): string {
  const chars = [...command];
  return `"${noTrunc || chars.length <= 20 ? command : `${chars.slice(0, 19).join('')}…`}"`;
}
