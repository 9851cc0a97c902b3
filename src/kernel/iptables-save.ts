/** One rule as `iptables-save` prints it, split back into the argv that adds it. */
export interface SavedRule {
  readonly table: string;
  readonly chain: string;
  /** Everything after `-A <chain>`. */
  readonly spec: readonly string[];
  /** The value of `--comment`, if any. */
  readonly comment: string | undefined;
}

/** Splits a line as iptables-save quotes it: words, with "double-quoted" comments. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

interface Line {
  readonly rule: SavedRule;
  readonly packets: number;
  readonly bytes: number;
}

/** A rule line, with its `[packets:bytes]` prefix when saved with -c. */
function parseLine(table: string, raw: string): Line | undefined {
  const counted = /^\[(\d+):(\d+)\]\s+(-A .*)$/.exec(raw.trim());
  const body = counted ? counted[3]! : raw.startsWith('-A ') ? raw : undefined;
  if (body === undefined) return undefined;
  const [, chain = '', ...spec] = words(body);
  const at = spec.indexOf('--comment');
  return { rule: { table, chain, spec, comment: at >= 0 ? spec[at + 1] : undefined }, packets: Number(counted?.[1] ?? 0), bytes: Number(counted?.[2] ?? 0) };
}

function eachLine(text: string, visit: (table: string, line: string) => void): void {
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else visit(table, line);
  }
}

/** Parses `iptables-save` (or `iptables-save -c`) output into its rules, table by table. */
export function parseIptablesSave(text: string): SavedRule[] {
  const rules: SavedRule[] = [];
  eachLine(text, (table, line) => {
    const parsed = parseLine(table, line);
    if (parsed) rules.push(parsed.rule);
  });
  return rules;
}

// What `nslab why` and the exercise checker reason about: the matches Docker-style rules
// use, lifted out of the spec, with the rule's counters and each chain's policy.

export interface Match {
  readonly value: string;
  readonly negated: boolean;
}

export interface CountedRule extends SavedRule {
  readonly packets: number;
  readonly bytes: number;
  readonly source?: Match;
  readonly destination?: Match;
  readonly inIface?: Match;
  readonly outIface?: Match;
  readonly protocol?: Match;
  readonly dport?: string;
  readonly ctstate?: string;
  /** conntrack's original destination port (`-m conntrack --ctorigdstport`): the port before DNAT. */
  readonly ctorigdstport?: string;
  /** -j target (ACCEPT, DROP, MASQUERADE, DNAT, a user chain) */
  readonly target?: string;
  readonly toDestination?: string;
}

export interface SavedChain {
  readonly table: string;
  readonly name: string;
  /** ACCEPT/DROP for built-in chains, undefined for user chains ('-'). */
  readonly policy: string | undefined;
}

export interface Ruleset {
  readonly chains: readonly SavedChain[];
  readonly rules: readonly CountedRule[];
}

const FLAGS: Record<string, 'source' | 'destination' | 'inIface' | 'outIface' | 'protocol'> = {
  '-s': 'source',
  '-d': 'destination',
  '-i': 'inIface',
  '-o': 'outIface',
  '-p': 'protocol',
};
const VALUES: Record<string, 'dport' | 'ctstate' | 'ctorigdstport' | 'target' | 'toDestination'> = {
  '--dport': 'dport',
  '--ctstate': 'ctstate',
  '--ctorigdstport': 'ctorigdstport',
  '-j': 'target',
  '--to-destination': 'toDestination',
};

function lift(line: Line): CountedRule {
  const rule: Record<string, unknown> = { ...line.rule, packets: line.packets, bytes: line.bytes };
  const spec = line.rule.spec;
  for (let i = 0; i < spec.length; i++) {
    const negated = spec[i] === '!';
    const flag = negated ? spec[++i]! : spec[i]!;
    const value = spec[i + 1];
    if (value === undefined) continue;
    if (FLAGS[flag]) rule[FLAGS[flag]] = { value, negated };
    else if (VALUES[flag]) rule[VALUES[flag]] = value;
    else continue;
    i++;
  }
  return rule as unknown as CountedRule;
}

/** Parses `iptables-save -c` into chains (with policies) and rules (with counters and matches). */
export function parseRuleset(text: string): Ruleset {
  const chains: SavedChain[] = [];
  const rules: CountedRule[] = [];
  eachLine(text, (table, line) => {
    if (line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(/\s+/);
      chains.push({ table, name: name!, policy: policy === '-' ? undefined : policy });
      return;
    }
    const parsed = parseLine(table, line);
    if (parsed) rules.push(lift(parsed));
  });
  return { chains, rules };
}

export function chainRules(set: Ruleset, table: string, chain: string): CountedRule[] {
  return set.rules.filter((r) => r.table === table && r.chain === chain);
}

export function chainPolicy(set: Ruleset, table: string, chain: string): string | undefined {
  return set.chains.find((c) => c.table === table && c.name === chain)?.policy;
}

// A rule listing as a user pastes it from a Docker host, in either form iptables prints:
// `iptables-save` (tables marked `*nat`, chains declared `:DOCKER - [0:0]`, maybe with
// `[packets:bytes]` counters), or `iptables -S` run per table, one after another. Both become
// the `-S` form, table by table: `-P` for built-in chains, `-N` for user chains, then `-A`.

export type RuleListing = Readonly<Record<string, readonly string[]>>;

const BUILTINS: Readonly<Record<string, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
};

/** Which table a run of `-P` lines belongs to, by the built-in chains it names. */
function tableOfPolicies(chains: readonly string[]): string | undefined {
  const key = [...chains].sort().join(',');
  return Object.keys(BUILTINS).find((t) => [...BUILTINS[t]!].sort().join(',') === key);
}

function fromSave(text: string): Record<string, string[]> {
  const tables = new Map<string, { chains: string[]; rules: string[] }>();
  eachLine(text, (table, raw) => {
    if (!table) return;
    const at = tables.get(table) ?? { chains: [], rules: [] };
    tables.set(table, at);
    const line = raw.trim();
    // `:FORWARD DROP [0:0]` -> `FORWARD DROP`
    if (line.startsWith(':')) at.chains.push(line.slice(1).replace(/\s*\[\d+:\d+\]$/, ''));
    else {
      const rule = line.replace(/^\[\d+:\d+\]\s+/, '');
      if (rule.startsWith('-A ')) at.rules.push(rule);
    }
  });
  const out: Record<string, string[]> = {};
  for (const [table, { chains, rules }] of tables) {
    const builtins = BUILTINS[table] ?? [];
    const isBuiltin = (c: string) => builtins.includes(c.split(' ')[0]!);
    out[table] = [...chains.filter(isBuiltin).map((c) => `-P ${c}`), ...chains.filter((c) => !isBuiltin(c)).map((c) => `-N ${c.split(' ')[0]}`), ...rules];
  }
  return out;
}

function fromDashS(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let table: string | undefined;
  let policies: string[] = [];
  let block: string[] = [];
  const flush = () => {
    if (block.length === 0) return;
    table = tableOfPolicies(policies.map((p) => p.split(' ')[1]!)) ?? table ?? 'filter';
    out[table] = [...(out[table] ?? []), ...block];
    block = [];
    policies = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('-P ')) {
      // A new table starts with its policies.
      if (block.some((l) => !l.startsWith('-P '))) flush();
      policies.push(line);
      block.push(line);
    } else if (line.startsWith('-N ') || line.startsWith('-A ')) block.push(line);
  }
  flush();
  return out;
}

/** Parses either form; lines that are neither (comments, prompts, blank) are ignored. */
export function parseRuleListing(text: string): RuleListing {
  return /^\*(filter|nat|raw|mangle)\s*$/m.test(text) ? fromSave(text) : fromDashS(text);
}
