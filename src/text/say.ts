// Learner-facing text is written in English where it is used (a lab file reads like the
// article it rebuilds), tagged with `say`: say`Connect ${node} to ${br}`. The tag returns the
// English string, as before, and remembers how it was made, its template
// ("Connect {{0}} to {{1}}") and its values, so that wherever it is shown it can be said
// again in the reader's language from that language's catalogue (i18n.ts). Values (names,
// addresses, commands) are never translated.

export interface Said {
  readonly template: string;
  readonly values: readonly string[];
}

const said = new Map<string, Said>();
/** Said texts by their first KEY characters (shorter ones under their whole text): for splitting a joined text. */
const KEY = 6;
const byStart = new Map<string, Set<string>>();

/** The template of a tagged text: its literal parts, with {{0}}, {{1}}, ... where values go. */
export const templateOf = (parts: readonly string[]): string => parts.reduce((out, p, i) => (i === 0 ? p : `${out}{{${i - 1}}}${p}`), '');

export function say(parts: TemplateStringsArray, ...values: readonly unknown[]): string {
  const text = parts.reduce((out, p, i) => (i === 0 ? p : `${out}${String(values[i - 1])}${p}`), '');
  said.set(text, { template: templateOf(parts.raw.map((_, i) => parts[i]!)), values: values.map(String) });
  const key = text.slice(0, KEY);
  if (!byStart.has(key)) byStart.set(key, new Set());
  byStart.get(key)!.add(text);
  return text;
}

/** How a string was said, if it was said with `say`. */
export const howSaid = (text: string): Said | undefined => said.get(text);

/** Every template said so far (the catalogue test builds every lab, then reads them). */
export const templatesSaid = (): Set<string> => new Set([...said.values()].map((s) => s.template));

/**
 * A text joined from said texts with + (a paragraph, then a note that depends on the version),
 * split back into them, each with the whitespace between: undefined unless every non-blank
 * character belongs to a said text.
 */
export function saidPieces(text: string): string[] | undefined {
  // best[i]: the pieces that cover text[0, i), fewest first.
  const best: (string[] | undefined)[] = new Array(text.length + 1);
  best[0] = [];
  for (let i = 0; i < text.length; i++) {
    const here = best[i];
    if (here === undefined) continue;
    const offer = (end: number, piece: string) => {
      const next = [...here, piece];
      if (best[end] === undefined || best[end]!.length > next.length) best[end] = next;
    };
    if (/\s/.test(text[i]!)) offer(i + 1, text[i]!);
    for (let k = 1; k <= KEY; k++) {
      for (const t of byStart.get(text.slice(i, i + k)) ?? []) if (text.startsWith(t, i) && (t.length >= KEY || t.length === k)) offer(i + t.length, t);
    }
  }
  const cover = best[text.length];
  return cover && cover.some((p) => said.has(p)) ? cover : undefined;
}
