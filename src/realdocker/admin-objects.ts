import type { Op } from '../ops/op.js';
import { iptablesListing } from '../docker/firewall/iptables-listing.js';
import { parseRuleListing } from '../kernel/iptables-save.js';
import type { Difference } from './views.js';

// What the docker host's admin built beside dockerd (ops marked Op.admin: a ufw rule, a
// DOCKER-USER rule, a VM manager's bridge) is the lab's story, not Docker's: the real dockerd
// judging the lab is given its docker lines only, so these are left out of nslab's side, and a
// chain policy the admin set is left out of both.

export interface AdminObjects {
  /** iptables-save `-A` lines, per table. */
  readonly rules: ReadonlyMap<string, ReadonlySet<string>>;
  /** Built-in chains whose policy the admin set, per table. */
  readonly policies: ReadonlyMap<string, ReadonlySet<string>>;
  /** Links the admin created on the docker host (bridges, veth ends). */
  readonly links: readonly string[];
}

export function adminObjects(ops: readonly Op[], hostNs: string | undefined): AdminObjects {
  const mine = ops.filter((op) => op.admin && op.cmd.netns === hostNs);
  // The admin's rules are what the host's listing has beyond Docker's own (they go into Docker's chains too).
  const all = parseRuleListing(iptablesListing(ops, hostNs));
  const dockers = parseRuleListing(iptablesListing(ops.filter((op) => !op.admin), hostNs));
  const rules = new Map(Object.entries(all).map(([table, lines]) => [table, new Set(lines.filter((l) => l.startsWith('-A ') && !(dockers[table] ?? []).includes(l)))]));
  const policies = new Map<string, Set<string>>();
  const links: string[] = [];
  for (const { cmd } of mine) {
    const a = cmd.args;
    if (cmd.file === 'iptables' && a.includes('-P')) {
      const table = a.includes('-t') ? a[a.indexOf('-t') + 1]! : 'filter';
      policies.set(table, (policies.get(table) ?? new Set()).add(a[a.indexOf('-P') + 1]!));
    }
    if (cmd.file === 'brctl' && a[0] === 'addbr') links.push(a[1]!);
    if (cmd.file === 'ip' && a.includes('link') && a[a.indexOf('link') + 1] === 'add') {
      const at = a.indexOf('link') + 2;
      links.push(a[at] === 'name' ? a[at + 1]! : a[at]!);
      if (a.includes('peer')) links.push(a[a.indexOf('peer') + 2]!);
    }
  }
  return { rules, policies, links };
}

/** The differences that remain once the admin's objects are set aside; `null` when none does. */
export function withoutAdmin(d: Difference, admin: AdminObjects): Difference | null {
  const table = /^host: iptables (\S+)$/.exec(d.aspect)?.[1];
  const policy = (l: string) => table !== undefined && [...(admin.policies.get(table) ?? [])].some((c) => l.startsWith(`:${c} `));
  const link = (l: string) => d.aspect === 'host: bridges and veth ends' && admin.links.some((n) => l.startsWith(`${n} `) || l.includes(` ${n} `) || l.includes(`master ${n} `));
  const nslab = d.nslab.filter((l) => !(table !== undefined && admin.rules.get(table)?.has(l)) && !policy(l) && !link(l));
  const real = d.real.filter((l) => !policy(l));
  // A table only the admin's rules brought into being (mangle, for an MSS clamp): its bare chain headers are all that is left.
  const bareTable = real.length === 1 && real[0] === '(absent)' && nslab.every((l) => l.startsWith(':'));
  return bareTable || JSON.stringify(nslab) === JSON.stringify(real) ? null : { ...d, nslab, real };
}
