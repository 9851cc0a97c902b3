// Writes locales/en.json from every say`...` and tr`...` in src/, labs/ and scripts/ (its keys are the
// English templates, and so are its values), and says which keys each other catalogue lacks
// and which it holds that no source says any more. A translator copies en.json to
// locales/<lang>.json and translates the values; `npm run catalogue` keeps it honest.
// Usage: npx tsx scripts/catalogue.ts [--check]   (--check: write nothing, exit 1 if en.json is stale)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractTemplates } from './said-texts.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const found = extractTemplates(root);
const en = Object.fromEntries(found.map((f) => f.template).sort().map((t) => [t, t]));
const text = `${JSON.stringify(en, null, 2)}\n`;
const file = join(root, 'locales', 'en.json');
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== text) {
    console.error('locales/en.json is not what the sources say: run `npm run catalogue`');
    process.exit(1);
  }
} else writeFileSync(file, text);
let missing = 0;
for (const f of readdirSync(join(root, 'locales')).filter((n) => n.endsWith('.json') && n !== 'en.json')) {
  const other = JSON.parse(readFileSync(join(root, 'locales', f), 'utf8')) as Record<string, string>;
  const lacks = found.filter((x) => !(x.template in other));
  const stale = Object.keys(other).filter((k) => !(k in en));
  missing += lacks.length;
  console.log(`${f}: ${Object.keys(en).length - lacks.length}/${Object.keys(en).length} translated${stale.length ? `, ${stale.length} no longer said` : ''}`);
  for (const x of lacks) console.log(`  missing (${x.at}): ${JSON.stringify(x.template)}`);
  for (const k of stale) console.log(`  stale: ${JSON.stringify(k)}`);
}
console.log(`en.json: ${Object.keys(en).length} texts`);
process.exit(missing > 0 && process.argv.includes('--check') ? 1 : 0);
