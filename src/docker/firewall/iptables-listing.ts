import type { Op } from '../../ops/op.js';

// What `iptables-save` would print in a fresh namespace after a plan's ops have run there,
// worked out without a kernel: each -N, -P, -A, -I and -D is applied in order to a model of
// the tables. `nslab versions` compares Docker versions with it, and the golden tests compare
// the layouts with moby's listings through it; the kernel tests check that the kernel agrees.

const BUILTIN: Readonly<Record<string, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};
/** The order iptables-save prints tables in. */
export const TABLE_ORDER = ['raw', 'mangle', 'filter', 'nat'] as const;

interface Chain {
  policy: string | undefined;
  rules: string[];
}

export class IptablesModel {
  readonly #tables = new Map<string, Map<string, Chain>>();

  #table(name: string): Map<string, Chain> {
    let t = this.#tables.get(name);
    if (!t) {
      t = new Map((BUILTIN[name] ?? []).map((c) => [c, { policy: 'ACCEPT', rules: [] }]));
      this.#tables.set(name, t);
    }
    return t;
  }

  #chain(table: string, name: string): Chain {
    const c = this.#table(table).get(name);
    if (!c) throw new Error(`iptables: chain ${table}/${name} does not exist`);
    return c;
  }

  /** Applies one `iptables` argv (without the program name); other programs are not its business. */
  apply(args: readonly string[]): void {
    const rest = [...args];
    let table = 'filter';
    for (;;) {
      if (rest[0] === '-w') rest.shift();
      else if (rest[0] === '-t') {
        rest.shift();
        table = rest.shift()!;
      } else break;
    }
    const [action, chain = '', ...spec] = rest;
    const t = this.#table(table);
    switch (action) {
      case '-N':
        t.set(chain, { policy: undefined, rules: [] });
        return;
      case '-X':
        t.delete(chain);
        return;
      case '-P':
        this.#chain(table, chain).policy = spec[0];
        return;
      case '-A':
        this.#chain(table, chain).rules.push(spec.join(' '));
        return;
      case '-I': {
        const position = /^\d+$/.test(spec[0] ?? '') ? Number(spec.shift()) : 1;
        this.#chain(table, chain).rules.splice(position - 1, 0, spec.join(' '));
        return;
      }
      case '-D': {
        const rules = this.#chain(table, chain).rules;
        const at = rules.indexOf(spec.join(' '));
        if (at >= 0) rules.splice(at, 1);
        return;
      }
      default:
        // -S, -L and friends only read.
        return;
    }
  }

  /** `iptables-save` of the tables that were touched, without counters. */
  save(): string {
    const out: string[] = [];
    for (const name of TABLE_ORDER) {
      const t = this.#tables.get(name);
      if (!t) continue;
      const builtins = BUILTIN[name] ?? [];
      const user = [...t.keys()].filter((c) => !builtins.includes(c)).sort();
      const order = [...builtins, ...user];
      out.push(`*${name}`);
      for (const c of order) out.push(`:${c} ${t.get(c)!.policy ?? '-'} [0:0]`);
      for (const c of order) for (const r of t.get(c)!.rules) out.push(`-A ${c} ${r}`);
      out.push('COMMIT');
    }
    return `${out.join('\n')}\n`;
  }
}

/** The listing of the namespace `ns` after `ops` ran in order (only iptables ops count, or ip6tables ones). */
export function iptablesListing(ops: readonly Op[], ns: string | undefined, program: 'iptables' | 'ip6tables' = 'iptables'): string {
  const model = new IptablesModel();
  for (const op of ops) {
    if (op.cmd.file === program && op.cmd.netns === ns) model.apply(op.cmd.args);
  }
  return model.save();
}
