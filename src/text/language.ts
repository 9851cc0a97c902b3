import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutRoot } from '../checkout.js';
import { NslabError } from '../errors.js';

/** A language code of a catalogue, locales/<code>.json: 'en', 'ko', ... */
export type Language = string;

/** The languages nslab speaks: one per catalogue, so a third language is a file. */
export function languages(): Language[] {
  try {
    return readdirSync(join(checkoutRoot(), 'locales'))
      .filter((f) => /^[a-z]{2,3}\.json$/.test(f))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch {
    return ['en'];
  }
}

/**
 * The language learner-facing text is in: --lang, else the locale (LC_ALL, then LC_MESSAGES,
 * then LANG, as gettext reads them; ko_KR.UTF-8 gives Korean where there is a Korean catalogue),
 * else English.
 */
export function chooseLanguage(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, known: readonly Language[] = languages()): Language {
  if (flag !== undefined) {
    const lang = flag.toLowerCase();
    if (!known.includes(lang)) throw new NslabError(`--lang ${flag} is not a language nslab speaks`, { hint: `one of ${known.join(', ')} (a catalogue in locales/<lang>.json each)` });
    return lang;
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  const code = /^([a-z]{2,3})(?:[_.@]|$)/i.exec(locale)?.[1]?.toLowerCase();
  return code !== undefined && known.includes(code) ? code : 'en';
}
