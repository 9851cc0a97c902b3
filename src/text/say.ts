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

/** The template of a tagged text: its literal parts, with {{0}}, {{1}}, ... where values go. */
export const templateOf = (parts: readonly string[]): string => parts.reduce((out, p, i) => (i === 0 ? p : `${out}{{${i - 1}}}${p}`), '');

export function say(parts: TemplateStringsArray, ...values: readonly unknown[]): string {
  const text = parts.reduce((out, p, i) => (i === 0 ? p : `${out}${String(values[i - 1])}${p}`), '');
  said.set(text, { template: templateOf(parts.raw.map((_, i) => parts[i]!)), values: values.map(String) });
  return text;
}

/** How a string was said, if it was said with `say`. */
export const howSaid = (text: string): Said | undefined => said.get(text);

/** Every template said so far (the catalogue test builds every lab, then reads them). */
export const templatesSaid = (): Set<string> => new Set([...said.values()].map((s) => s.template));
