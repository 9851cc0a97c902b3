// @ts-check
import { execFileSync } from 'node:child_process';

/** `nft list` output without what changes by itself: counters' values and rule handles. */
export const stable = (line) =>
  line
    .replace(/counter packets \d+ bytes \d+/g, 'counter')
    .replace(/\s*# handle \d+$/, '')
    .trim();

/**
 * Deletes the rule of `chain` whose text is `text`, found by its handle (nft deletes rules by
 * handle only). A rule, chain or table already gone counts as deleted.
 */
export function nftDeleteRule(family, table, chain, text) {
  let listing;
  try {
    listing = execFileSync('nft', ['-a', 'list', 'chain', family, table, chain], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if (/No such file or directory/.test(String(err.stderr))) return;
    process.stderr.write(String(err.stderr));
    process.exit(1);
  }
  const line = listing.split('\n').find((l) => stable(l) === text.trim());
  const handle = line === undefined ? undefined : /# handle (\d+)$/.exec(line)?.[1];
  if (handle === undefined) return;
  execFileSync('nft', ['delete', 'rule', family, table, chain, 'handle', handle], { stdio: 'inherit' });
}
