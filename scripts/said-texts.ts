// Reads the learner texts out of the sources for the catalogues (scripts/catalogue.ts and the
// catalogue test). It parses TypeScript with the compiler, a development dependency, so it lives
// here and not under src/, which the CLI bundles.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { pageWords } from '../src/text/page-words.js';
import { templateOf } from '../src/text/say.js';

// Every text tagged say`...` or tr`...` in the sources, as the catalogue keys it: read from
// the syntax tree (as xgettext reads C), so a text is in the catalogue whether or not a run
// happens to say it.

export interface Found {
  readonly template: string;
  /** file:line of its first use. */
  readonly at: string;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return f.endsWith('.ts') && !f.endsWith('.d.ts') ? [p] : [];
  });
}

export function extractTemplates(root: string, dirs: readonly string[] = ['src', 'labs', 'scripts']): Found[] {
  const found = new Map<string, string>();
  for (const file of dirs.flatMap((d) => sources(join(root, d)))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && (node.tag.text === 'say' || node.tag.text === 'tr')) {
        const t = node.template;
        const parts = ts.isNoSubstitutionTemplateLiteral(t) ? [t.text] : [t.head.text, ...t.templateSpans.map((s) => s.literal.text)];
        const template = templateOf(parts);
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        if (!found.has(template)) found.set(template, `${relative(root, file)}:${line}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  // The web page's words (plain files, no build step: read by pattern).
  const page = join(root, 'src', 'web', 'page');
  for (const f of readdirSync(page).filter((n) => /\.(js|html)$/.test(n))) {
    for (const w of pageWords(readFileSync(join(page, f), 'utf8'))) if (!found.has(w)) found.set(w, `src/web/page/${f}`);
  }
  return [...found.entries()].map(([template, at]) => ({ template, at }));
}
