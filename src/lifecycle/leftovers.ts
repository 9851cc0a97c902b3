import { cmd, type Cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { parseIpAddr } from '../kernel/ip-json.js';
import { parseIptablesSave } from '../kernel/iptables-save.js';
import { ruleTag } from '../model/names.js';
import type { Gone } from '../ops/gone.js';

/**
 * What nslab marked as its own in the namespace it runs in, found from live state alone
 * (no journal): iptables rules commented `nslab:<lab>` and links aliased `nslab:<lab>`.
 * Namespaced labs have none; root-namespace labs tag everything that outlives its namespaces.
 */
export interface Leftover {
  readonly what: string;
  readonly remove: Cmd;
  /** The kind of object `remove` removes: its "not found" means it went on its own. */
  readonly gone: Gone;
}

const owned = (tag: string | undefined, only: string | undefined): boolean =>
  tag !== undefined && (only === undefined ? tag.startsWith(ruleTag('')) : tag === ruleTag(only));

export async function taggedRules(runner: Runner, only?: string): Promise<Leftover[]> {
  const r = await runner.run(cmd('iptables-save', []), { allowFail: true });
  if (r.exitCode !== 0) return [];
  return parseIptablesSave(r.stdout)
    .filter((rule) => owned(rule.comment, only))
    .map((rule) => ({
      what: `iptables -t ${rule.table} ${rule.chain} rule ${rule.spec.join(' ')}`,
      remove: cmd('iptables', ['-w', '-t', rule.table, '-D', rule.chain, ...rule.spec]),
      gone: 'iptables-rule' as const,
    }));
}

export async function taggedLinks(runner: Runner, only?: string): Promise<Leftover[]> {
  const r = await runner.run(cmd('ip', ['-j', 'link', 'show']), { allowFail: true });
  if (r.exitCode !== 0) return [];
  return parseIpAddr(r.stdout)
    .filter((l) => owned(l.alias, only))
    .map((l) => ({ what: `link ${l.name}`, remove: cmd('ip', ['link', 'del', 'dev', l.name]), gone: 'link' as const }));
}
