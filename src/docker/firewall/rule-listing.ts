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
  const out: Record<string, string[]> = {};
  let table = '';
  const chains: string[] = [];
  const rules: string[] = [];
  const flush = () => {
    if (!table) return;
    const builtins = BUILTINS[table] ?? [];
    out[table] = [
      ...chains.filter((c) => builtins.includes(c.split(' ')[0]!)).map((c) => `-P ${c}`),
      ...chains.filter((c) => !builtins.includes(c.split(' ')[0]!)).map((c) => `-N ${c.split(' ')[0]}`),
      ...rules,
    ];
    chains.length = 0;
    rules.length = 0;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      flush();
      table = line.slice(1);
    } else if (line.startsWith(':')) {
      // `:FORWARD DROP [0:0]` -> `FORWARD DROP`
      chains.push(line.slice(1).replace(/\s*\[\d+:\d+\]$/, ''));
    } else {
      const rule = line.replace(/^\[\d+:\d+\]\s+/, '');
      if (rule.startsWith('-A ')) rules.push(rule);
    }
  }
  flush();
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
