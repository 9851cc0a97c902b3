import { agentCmd } from '../agent/agent.js';
import { cmd, type Cmd } from '../exec/command.js';
import { netnsKey, type Op } from './op.js';

// nftables objects as ops. A table's deletion takes its chains, rules and maps with it, so
// only what outlives its table's teardown needs an undo of its own. A rule's handle is known
// only once it exists: its undo finds it by its text (the agent's nft-delete-rule).

/** Where the objects go: a table of one family, in a namespace (undefined: nslab's own). */
export interface NftTable {
  readonly ns: string | undefined;
  readonly family: 'ip' | 'ip6';
  readonly table: string;
}

const nft = (t: NftTable, ...args: string[]): Cmd => cmd('nft', args, t.ns);
const within = (t: NftTable) => (t.ns === undefined ? [] : [netnsKey(t.ns)]);

/** A rule's text as nft's argv: words, with "quoted strings" kept whole (quotes included). */
export function nftWords(text: string): string[] {
  return [...text.matchAll(/"[^"]*"|\S+/g)].map((m) => m[0]);
}

export function nftTableAdd(t: NftTable): Op {
  return { summary: `create nftables table ${t.family} ${t.table}`, cmd: nft(t, 'add', 'table', t.family, t.table), undo: nft(t, 'delete', 'table', t.family, t.table), undoGone: 'nft-object', within: within(t) };
}

/** A chain; `base` is its `type ... hook ... priority ...; policy ...;` where it is a base chain. */
export function nftChainAdd(t: NftTable, chain: string, base?: string, opts: { readonly undo?: boolean; readonly summary?: string } = {}): Op {
  const run = nft(t, 'add', 'chain', t.family, t.table, chain, ...(base ? ['{', ...base.split(' '), '}'] : []));
  const summary = opts.summary ?? `create nftables chain ${chain}`;
  if (opts.undo === false) return { summary, cmd: run, within: within(t) };
  return { summary, cmd: run, undo: nft(t, 'delete', 'chain', t.family, t.table, chain), undoGone: 'nft-object', within: within(t) };
}

export function nftRuleAdd(t: NftTable, chain: string, text: string, opts: { readonly index?: number | undefined; readonly undo?: boolean } = {}): Op {
  const run = nft(t, 'add', 'rule', t.family, t.table, chain, ...(opts.index === undefined ? [] : ['index', String(opts.index)]), ...nftWords(text));
  const summary = `add nftables rule to ${chain}: ${text}`;
  if (opts.undo === false) return { summary, cmd: run, within: within(t) };
  return { summary, cmd: run, undo: agentCmd(t.ns, 'nft-delete-rule', t.family, t.table, chain, text), undoGone: 'nft-object', within: within(t) };
}

/** `map`'s element `key : jump target`. */
export function nftJumpElementAdd(t: NftTable, map: string, key: string, target: string): Op {
  return {
    summary: `map ${key} to ${target} in ${map}`,
    cmd: nft(t, 'add', 'element', t.family, t.table, map, '{', `"${key}"`, ':', 'jump', target, '}'),
    undo: nft(t, 'delete', 'element', t.family, t.table, map, '{', `"${key}"`, '}'),
    undoGone: 'nft-object',
    within: within(t),
  };
}

/** A verdict map keyed by interface name: the base chains jump through it to a bridge's chains. */
export function nftVerdictMapAdd(t: NftTable, map: string): Op {
  return { summary: `create verdict map ${map}`, cmd: nft(t, 'add', 'map', t.family, t.table, map, '{', 'type', 'ifname', ':', 'verdict', ';', '}'), undo: nft(t, 'delete', 'map', t.family, t.table, map), undoGone: 'nft-object', within: within(t) };
}
