import { parseSubnet, subnetContains, type Subnet } from '../model/ipam.js';
import type { RuleListing } from '../kernel/iptables-save.js';

// `nslab compare`: a real Docker host's rules against a lab's. Both sides are brought to one
// form first, so only what Docker really does differently remains: nslab's comment tags and
// counters go, bridges other than docker0 and addresses are renamed in the order they first
// appear, and each table is compared as a set of rules (a rule's place within its chain is
// reported, not compared).

export interface Difference {
  readonly table: string;
  /** The rule as that side has it, before renaming. */
  readonly rule: string;
}

export interface Comparison {
  /** The real host has it, the lab lacks it. */
  readonly onlyReal: readonly Difference[];
  /** The lab has it, the real host lacks it. */
  readonly onlyLab: readonly Difference[];
  /** Rules both have. */
  readonly same: number;
}

const TAG = /\s+-m comment --comment (?:"nslab:[^"]*"|nslab:\S+)/g;
// A bridge is br-<id>, or a name given with -o com.docker.network.bridge.name (moby's own
// listings use bridge1); nftables also names it in chain names, after `__`. docker0 stays.
const BRIDGE = /(?<![\w-])(?:br-[\w.-]+|bridge[\w.-]*)|(?<=__)(?!docker0\b)[\w.-]+/g;
const ADDRESS = /\b(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?\b/g;

/** The subnet each bridge masquerades (or keeps --internal): how addresses are named after bridges. */
function subnetsOfBridges(rules: readonly string[]): Map<string, Subnet> {
  const out = new Map<string, Subnet>();
  const patterns = [/-s (\S+\/\d+) ! -o (\S+) -j MASQUERADE/, /! -s (\S+\/\d+) -o (\S+) -j DROP/, /oifname != "?([^"\s]+)"? ip saddr (\S+\/\d+)/];
  for (const rule of rules) {
    for (const [i, re] of patterns.entries()) {
      const m = re.exec(rule);
      if (!m) continue;
      const [subnet, bridge] = i === 2 ? [m[2]!, m[1]!] : [m[1]!, m[2]!];
      try {
        if (!out.has(bridge)) out.set(bridge, parseSubnet(subnet));
      } catch {
        // not a network address: leave it to the plain renaming
      }
    }
  }
  return out;
}

const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/**
 * Renames bridges in order of first appearance (br#1, ...; docker0 stays), a bridge's subnet
 * after it (net(br#1)), an address in that subnet by its offset (br#1+2), and any other
 * address in order of appearance (ip#1).
 */
function renamer(all: readonly string[]) {
  const bridges = new Map<string, string>();
  const addresses = new Map<string, string>();
  const subnets = subnetsOfBridges(all);
  const bridgeToken = (b: string) => (b === 'docker0' ? b : (bridges.get(b) ?? (bridges.set(b, `br#${bridges.size + 1}`), bridges.get(b)!)));
  const keep = (a: string) => a === '0.0.0.0' || a.startsWith('127.');
  const addressToken = (a: string, len: string | undefined): string => {
    for (const [bridge, s] of subnets) {
      if (len && len !== '/32' && `${a}${len}` === s.cidr) return `net(${bridgeToken(bridge)})`;
      if ((!len || len === '/32') && subnetContains(s, a)) return `${bridgeToken(bridge)}+${toInt(a) - s.first}${len ?? ''}`;
    }
    const key = `${a}${len ?? ''}`;
    if (!addresses.has(key)) addresses.set(key, `ip#${addresses.size + 1}${len ?? ''}`);
    return addresses.get(key)!;
  };
  return (rule: string): string =>
    rule.replace(BRIDGE, (b) => bridgeToken(b)).replace(ADDRESS, (whole, a: string, len: string | undefined) => (keep(a) ? whole : addressToken(a, len)));
}

function normalise(listing: RuleListing): Map<string, { normal: string; rule: string }[]> {
  const rename = renamer(Object.values(listing).flat());
  const out = new Map<string, { normal: string; rule: string }[]>();
  for (const table of Object.keys(listing).sort()) {
    out.set(
      table,
      (listing[table] ?? []).map((rule) => ({ rule, normal: rename(rule.replace(TAG, '')) })),
    );
  }
  return out;
}

export function compareRules(real: RuleListing, lab: RuleListing): Comparison {
  const r = normalise(real);
  const l = normalise(lab);
  const onlyReal: Difference[] = [];
  const onlyLab: Difference[] = [];
  let same = 0;
  for (const table of new Set([...r.keys(), ...l.keys()])) {
    const labLeft = [...(l.get(table) ?? [])];
    for (const x of r.get(table) ?? []) {
      const at = labLeft.findIndex((y) => y.normal === x.normal);
      if (at >= 0) {
        labLeft.splice(at, 1);
        same++;
      } else onlyReal.push({ table, rule: x.rule });
    }
    onlyLab.push(...labLeft.map((y) => ({ table, rule: y.rule })));
  }
  return { onlyReal, onlyLab, same };
}

/** The same for nftables listings: line by line, the same renaming. */
export function compareNft(real: readonly string[], lab: readonly string[]): Comparison {
  return compareRules({ nft: real.map((l) => l.replace(/"/g, '')) }, { nft: lab.map((l) => l.replace(/"/g, '')) });
}
