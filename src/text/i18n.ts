import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n } from 'i18next';
import { checkoutRoot } from '../checkout.js';
import type { Language } from './language.js';
import { howSaid, say, saidPieces } from './say.js';

// One catalogue per language, locales/<lang>.json: a third language is a file. Its keys are
// the English templates `say` makes ("Connect {{0}} to {{1}}"), its values the same template
// in that language, which may put the values in another order.

let instance: i18n | undefined;
let current: Language = 'en';

export function catalogueFile(lang: string): string {
  return join(checkoutRoot(), 'locales', `${lang}.json`);
}

export function readCatalogue(lang: string): Record<string, string> {
  return JSON.parse(readFileSync(catalogueFile(lang), 'utf8')) as Record<string, string>;
}

/** Speak `lang` from now on. English needs no catalogue at run time: its text is the source. */
export function useLanguage(lang: Language): void {
  current = lang;
  if (lang === 'en') return;
  instance = i18next.createInstance();
  void instance.init({
    lng: lang,
    fallbackLng: false,
    initAsync: false,
    keySeparator: false,
    nsSeparator: false,
    returnEmptyString: false,
    interpolation: { escapeValue: false },
    resources: { [lang]: { translation: readCatalogue(lang) } },
  });
}

export const language = (): Language => current;

/**
 * A text in the language spoken: a `say` text from the catalogue (its values put back in),
 * or as it is where the catalogue has no entry (the catalogue test finds those).
 */
export function localize(text: string): string {
  if (current === 'en' || instance === undefined) return text;
  const s = howSaid(text);
  if (s === undefined) {
    // Said in pieces and joined: each piece in its own words.
    const pieces = text.length > 0 ? saidPieces(text) : undefined;
    return pieces ? pieces.map((p) => (howSaid(p) ? localize(p) : p)).join('') : text;
  }
  if (!instance.exists(s.template)) return text;
  // A value that was itself said (a paragraph set into a longer text) is said again too.
  return instance.t(s.template, Object.fromEntries(s.values.map((v, i) => [String(i), localize(v)])));
}

/** A text said and shown at once, in the language spoken: tr`Step ${n} of ${total}`. */
export const tr = (parts: TemplateStringsArray, ...values: readonly unknown[]): string => localize(say(parts, ...values));

/** A fixed text (no values: a word of the web page) in the language spoken. */
export function translateTemplate(template: string): string {
  if (current === 'en' || instance === undefined || !instance.exists(template)) return template;
  return instance.t(template);
}
