import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleListing, type RuleListing } from '../../../../src/kernel/iptables-save.js';

// Reads moby's listings (test/fixtures/moby, see SOURCE.md there) as `-S` rules per table.

export const MOBY = join(import.meta.dirname, '../../../fixtures/moby');

/** The "iptables commands" blocks of one of moby's generated iptablesdoc pages. */
export function mobyDoc(version: 'v28' | 'v29', page: string): RuleListing {
  const text = readFileSync(join(MOBY, version, 'iptablesdoc', `${page}.md`), 'utf8');
  const blocks = [...text.matchAll(/<details>([\s\S]*?)<\/details>/g)].map((m) => m[1]!);
  return parseRuleListing(blocks.join('\n'));
}

export function mobyGolden(kind: 'iptables' | 'nftables', options: string, version: 'v28' | 'v29' = 'v29'): string {
  return readFileSync(join(MOBY, version, `golden-${kind}`, `${options}.golden`), 'utf8');
}

export function fixtureListing(...path: string[]): RuleListing {
  return parseRuleListing(readFileSync(join(MOBY, ...path), 'utf8'));
}

/** The first full `table ip docker-bridges` listing in one of moby's generated nftablesdoc pages. */
export function mobyNftDoc(page: string): string {
  const text = readFileSync(join(MOBY, 'v29', 'nftablesdoc', `${page}.md`), 'utf8');
  const start = text.indexOf('    table ip docker-bridges {');
  const end = text.indexOf('\n    }\n', start);
  return text.slice(start, end + 6).replace(/^ {4}/gm, '');
}
