import { describe, expect, it } from 'vitest';
import { chooseLanguage } from '../../../src/text/language.js';

describe('the language nslab speaks', () => {
  it('--lang wins; else LC_ALL, LC_MESSAGES, LANG in that order; ko_KR.* is Korean; English by default', () => {
    expect(chooseLanguage('ko', { LANG: 'en_US.UTF-8' })).toBe('ko');
    expect(chooseLanguage('EN', { LANG: 'ko_KR.UTF-8' })).toBe('en');
    expect(chooseLanguage(undefined, { LANG: 'ko_KR.UTF-8' })).toBe('ko');
    expect(chooseLanguage(undefined, { LC_MESSAGES: 'ko_KR.eucKR', LANG: 'en_US.UTF-8' })).toBe('ko');
    expect(chooseLanguage(undefined, { LC_ALL: 'C', LANG: 'ko_KR.UTF-8' })).toBe('en');
    expect(chooseLanguage(undefined, { LANG: 'ko' })).toBe('ko');
    expect(chooseLanguage(undefined, { LANG: 'kok_IN' })).toBe('en');
    expect(chooseLanguage(undefined, {})).toBe('en');
  });

  it('speaks a third language once its catalogue is there: a file, not a code change', () => {
    expect(chooseLanguage(undefined, { LANG: 'ja_JP.UTF-8' }, ['en', 'ja', 'ko'])).toBe('ja');
    expect(chooseLanguage('ja', {}, ['en', 'ja', 'ko'])).toBe('ja');
    expect(chooseLanguage(undefined, { LANG: 'ja_JP.UTF-8' })).toBe('en');
  });

  it('refuses a language it has no catalogue for, naming those it has', () => {
    expect(() => chooseLanguage('ja', {})).toThrow('--lang ja is not a language nslab speaks');
    expect(() => chooseLanguage('ja', {})).toThrow(expect.objectContaining({ hint: 'one of en, ko (a catalogue in locales/<lang>.json each)' }));
  });
});
