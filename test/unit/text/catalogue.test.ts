import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractTemplates } from '../../../scripts/said-texts.js';
import { readCatalogue } from '../../../src/text/i18n.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const said = extractTemplates(root);
const placeholders = (t: string) => [...t.matchAll(/\{\{(\d+)\}\}/g)].map((m) => m[1]).sort();

describe('the catalogues (locales/<lang>.json)', () => {
  it('the sources say a few hundred texts', () => {
    expect(said.length).toBeGreaterThan(50);
  });

  for (const lang of readdirSync(join(root, 'locales')).map((f) => f.replace(/\.json$/, ''))) {
    it(`${lang}.json has every text the sources say, and each keeps its template's values`, () => {
      const catalogue = readCatalogue(lang);
      expect(said.filter((s) => !(s.template in catalogue)).map((s) => `${s.at}: ${s.template}`)).toEqual([]);
      const dropped = said.filter((s) => catalogue[s.template] !== undefined && placeholders(catalogue[s.template]!).join() !== placeholders(s.template).join());
      expect(dropped.map((s) => `${s.at}: ${s.template} -> ${catalogue[s.template]}`)).toEqual([]);
    });
  }

  it('en.json is exactly what the sources say (npm run catalogue writes it)', () => {
    const en = readCatalogue('en');
    expect(Object.keys(en).sort()).toEqual(said.map((s) => s.template).sort());
    for (const [k, v] of Object.entries(en)) expect(v).toBe(k);
  });
});
