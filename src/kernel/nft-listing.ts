// `nft list` output as the kernel prints it, with what changes by itself folded away, so that a
// live listing compares with one worked out from a plan (docker/firewall/nftables-listing.ts).

/**
 * A nat hook's priority by the name newer nft prints it with: nft 1.0.6 prints the output
 * hook's dstnat as -100, the same value in the kernel.
 */
export const namedPriority = (spec: string): string => spec.replace(/^(type nat hook (?:output|prerouting) priority) -100;/, '$1 dstnat;');

/** A listing with what changes by itself folded away: counter values, handles, indentation. */
export function stableNft(text: string): string[] {
  return text
    .split('\n')
    .map((l) => namedPriority(l.replace(/counter packets \d+ bytes \d+/g, 'counter').replace(/\s*# handle \d+$/, '').trim()))
    .filter((l) => l !== '');
}

/** A counted rule that drops: where it is, and its text without the counter's values. */
export interface NftDropCounter {
  readonly table: string;
  readonly chain: string;
  readonly rule: string;
  readonly packets: number;
  /** Its handle, where the listing was made with `nft -a`: what `nft delete rule` takes. */
  readonly handle: number | undefined;
}

// iptables-nft keeps iptables' own tables in nftables too: those rules are read by iptables-save.
const XTABLES = /^ip6? (filter|nat|raw|mangle|security)$/;

/**
 * The drop rules with counters in `nft list ruleset`, in order (what a trace diffs before
 * and after), outside the tables iptables-nft keeps for iptables.
 */
export function nftDropCounters(text: string): NftDropCounter[] {
  const found: NftDropCounter[] = [];
  let table = '';
  let chain = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const bare = line.replace(/\s*# handle \d+$/, '');
    const t = /^table (\S+ \S+) \{$/.exec(bare);
    if (t) table = t[1]!;
    const c = /^chain (\S+) \{$/.exec(bare);
    if (c) chain = c[1]!;
    const counted = /counter packets (\d+) bytes \d+/.exec(line);
    if (counted && /\bdrop\b/.test(line) && !XTABLES.test(table)) found.push({ table, chain, rule: line.replace(/counter packets \d+ bytes \d+/, 'counter').replace(/\s*# handle \d+$/, ''), packets: Number(counted[1]), handle: /# handle (\d+)$/.exec(line) ? Number(/# handle (\d+)$/.exec(line)![1]) : undefined });
  }
  return found;
}

/** `nft list tables` less iptables-nft's own: "ip docker-bridges", "ip host-firewall". */
export function ownNftTables(text: string): string[] {
  return text.split('\n').flatMap((l) => {
    const name = /^table (\S+ \S+)$/.exec(l.trim())?.[1];
    return name && !XTABLES.test(name) ? [name] : [];
  });
}
