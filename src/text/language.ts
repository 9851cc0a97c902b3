import { NslabError } from '../errors.js';

export const LANGUAGES = ['en', 'ko'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The language learner-facing text is in: --lang, else the locale (LC_ALL, then LC_MESSAGES,
 * then LANG, as gettext reads them; ko_KR.UTF-8 gives Korean), else English.
 */
export function chooseLanguage(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Language {
  if (flag !== undefined) {
    const lang = flag.toLowerCase();
    if (!(LANGUAGES as readonly string[]).includes(lang)) throw new NslabError(`--lang ${flag} is not a language nslab speaks`, { hint: `one of ${LANGUAGES.join(', ')}` });
    return lang as Language;
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^ko(_|\.|$)/i.test(locale) ? 'ko' : 'en';
}
