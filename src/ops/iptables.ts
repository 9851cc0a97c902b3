import { cmd } from '../exec/command.js';
import { netnsKey, type Op } from './op.js';

export type Table = 'filter' | 'nat' | 'raw' | 'mangle';
/** Which of the kernel's two rule sets: iptables (IPv4) or ip6tables (IPv6). */
export type Family = 4 | 6;
export const iptablesProgram = (family: Family = 4): 'iptables' | 'ip6tables' => (family === 6 ? 'ip6tables' : 'iptables');

export interface Rule {
  readonly table: Table;
  readonly chain: string;
  /** Match arguments, e.g. ['-s', '172.17.0.0/16', '!', '-o', 'docker0']. */
  readonly match: readonly string[];
  /** Target arguments, e.g. ['-j', 'MASQUERADE']. */
  readonly target: readonly string[];
  /**
   * iptables comment marking the owner (see ruleTag). Absent where the namespace is the lab's
   * own (a sandbox docker host): there the rules read exactly as Docker writes them.
   */
  readonly tag?: string | undefined;
  /** 6: an ip6tables rule. */
  readonly family?: Family | undefined;
}

/** The rule specification, comment placed where iptables-save prints it. */
export function ruleSpec(r: Rule): string[] {
  return [...r.match, ...(r.tag === undefined ? [] : ['-m', 'comment', '--comment', r.tag]), ...r.target];
}

// -w waits for the xtables lock instead of failing when another lab edits rules at the same time.
function iptables(ns: string | undefined, r: Rule, action: '-A' | '-I' | '-D', position?: number) {
  return cmd(iptablesProgram(r.family), ['-w', '-t', r.table, action, r.chain, ...(position === undefined ? [] : [String(position)]), ...ruleSpec(r)], ns);
}

export function ruleAppend(ns: string | undefined, r: Rule): Op {
  return {
    summary: `add ${r.family === 6 ? 'ip6tables ' : ''}${r.table}/${r.chain} rule: ${[...r.match, ...r.target].join(' ')}`,
    cmd: iptables(ns, r, '-A'),
    undo: iptables(ns, r, '-D'),
    undoGone: 'iptables-rule',
    within: ns === undefined ? [] : [netnsKey(ns)],
  };
}

/** Inserts at the head of the chain, or at `position` (1-based): Docker keeps its jumps on top. */
export function ruleInsert(ns: string | undefined, r: Rule, position?: number): Op {
  return { ...ruleAppend(ns, r), cmd: iptables(ns, r, '-I', position) };
}

/**
 * Before a root-namespace lab's first rule in `table`: with the nf_tables backend the rule
 * brings the table itself into existence, and iptables cannot remove a table. If it was
 * absent, teardown deletes it with nft, unless someone else's rules are in it by then.
 */
export function tableAdopt(ns: string | undefined, table: Table): Op {
  return {
    summary: `note whether iptables table ${table} exists`,
    cmd: cmd('iptables-save', ['-t', table], ns),
    capture: {
      read: cmd('iptables-save', [], ns),
      undo: (previous) => (previous.split('\n').includes(`*${table}`) ? undefined : cmd('nft', ['delete', 'table', 'ip', table], ns)),
    },
    undoGone: 'nft-object',
    guard: { cmd: cmd('iptables-save', ['-t', table], ns), keepIf: '^-A ', why: `table ${table} holds rules nslab did not add` },
    within: ns === undefined ? [] : [netnsKey(ns)],
  };
}

/** A user chain (Docker's DOCKER chains); the inverse deletes it once its rules are gone. */
export function chainNew(ns: string | undefined, table: Table, chain: string, family: Family = 4): Op {
  const program = iptablesProgram(family);
  return {
    summary: `create ${family === 6 ? 'ip6tables ' : ''}${table} chain ${chain}`,
    cmd: cmd(program, ['-w', '-t', table, '-N', chain], ns),
    undo: cmd(program, ['-w', '-t', table, '-X', chain], ns),
    undoGone: 'iptables-chain',
    within: ns === undefined ? [] : [netnsKey(ns)],
  };
}

/** A built-in chain's policy; the inverse restores the policy that was there before. */
export function policySet(ns: string | undefined, table: Table, chain: string, policy: 'ACCEPT' | 'DROP', family: Family = 4): Op {
  const program = iptablesProgram(family);
  return {
    summary: `set ${family === 6 ? 'ip6tables ' : ''}${table}/${chain} policy ${policy}`,
    cmd: cmd(program, ['-w', '-t', table, '-P', chain, policy], ns),
    capture: {
      // `iptables -S FORWARD` starts with `-P FORWARD ACCEPT`.
      read: cmd(program, ['-w', '-t', table, '-S', chain], ns),
      undo: (previous) => cmd(program, ['-w', '-t', table, '-P', chain, /^-P \S+ (\S+)/m.exec(previous)?.[1] ?? 'ACCEPT'], ns),
    },
    undoGone: 'iptables-policy',
    within: ns === undefined ? [] : [netnsKey(ns)],
  };
}

/** Deletes a rule as a forward step (`docker network rm` removing its MASQUERADE); nothing to undo. */
export function ruleDelete(ns: string | undefined, r: Rule): Op {
  return { summary: `delete ${r.table}/${r.chain} rule: ${[...r.match, ...r.target].join(' ')}`, cmd: iptables(ns, r, '-D'), within: ns === undefined ? [] : [netnsKey(ns)], removes: true };
}
