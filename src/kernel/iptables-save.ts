/** One rule as `iptables-save` prints it, split back into the argv that adds it. */
export interface SavedRule {
  readonly table: string;
  readonly chain: string;
  /** Everything after `-A <chain>`. */
  readonly spec: readonly string[];
  /** The value of `--comment`, if any. */
  readonly comment: string | undefined;
}

/** Splits a line as iptables-save quotes it: words, with "double-quoted" comments. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

/** Parses `iptables-save` output into its rules, table by table. */
export function parseIptablesSave(text: string): SavedRule[] {
  const rules: SavedRule[] = [];
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    if (!line.startsWith('-A ')) continue;
    const [, chain = '', ...spec] = words(line);
    const at = spec.indexOf('--comment');
    rules.push({ table, chain, spec, comment: at >= 0 ? spec[at + 1] : undefined });
  }
  return rules;
}
