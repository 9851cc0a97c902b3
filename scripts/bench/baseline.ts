import type { LabModel } from '../../src/plan/lab.js';
import { planOps } from '../../src/plan/plan.js';

/**
 * The same topology as a person would script it for speed: one `ip -batch` for the
 * namespaces (run in the root namespace), then one per namespace for everything inside
 * it, in the order namespaces first appear. Every op of the lab must be an `ip` command.
 */
export function rawIpBatchScript(model: LabModel): string {
  const byNs = new Map<string, string[]>();
  for (const op of planOps(model.steps)) {
    if (op.cmd.file !== 'ip') throw new Error(`the raw baseline only covers ip commands, not ${op.cmd.file}`);
    const ns = op.cmd.netns ?? '';
    byNs.set(ns, [...(byNs.get(ns) ?? []), op.cmd.args.join(' ')]);
  }
  const lines = ['#!/bin/sh', 'set -e'];
  for (const [ns, cmds] of byNs) lines.push(`ip ${ns ? `-n ${ns} ` : ''}-batch - <<'EOF'`, ...cmds, 'EOF');
  return `${lines.join('\n')}\n`;
}

/** Removing it again, as a person would: one batch of `netns del`. */
export function rawTeardownScript(model: LabModel): string {
  const names = Object.values(model.nodes).flatMap((n) => (n.ns ? [n.ns] : []));
  return `#!/bin/sh\nip -batch - <<'EOF'\n${names.map((n) => `netns del ${n}`).join('\n')}\nEOF\n`;
}

/** A line of the listing `nslab docker` and `nslab compose` print that is a command it ran. */
const isCommand = (line: string): boolean => /^(ip|iptables|nft|sysctl|brctl|bridge) |^\//.test(line);

/**
 * The commands a docker-shaped command printed, as a script a person could run instead: one
 * process per command as printed, or (`batch`) with each run of `ip` commands on one
 * namespace in one `ip -batch`, in the printed order.
 */
export function rawListingScript(listing: string, options: { batch: boolean }): string {
  const lines = ['#!/bin/sh', 'set -e'];
  let group: { ns: string; cmds: string[] } | undefined;
  const flush = () => {
    if (group) lines.push(`ip ${group.ns ? `-n ${group.ns} ` : ''}-batch - <<'EOF'`, ...group.cmds, 'EOF');
    group = undefined;
  };
  for (const line of listing.split('\n').filter(isCommand)) {
    // `ip -n NS args` and `ip netns add|del NS` batch; anything quoted or with options does not.
    const m = options.batch ? /^ip (?:-n (\S+) )?((?:link|addr|route|neigh|netns (?:add|del)) [^'"]*)$/.exec(line) : null;
    if (!m) {
      flush();
      // A fork left running (the unsolicited ARPs) must not hold the script's output open.
      lines.push(line.includes(' setsid -f ') ? `${line} >/dev/null 2>&1` : line);
      continue;
    }
    const ns = m[1] ?? '';
    if (group?.ns !== ns) flush();
    group ??= { ns, cmds: [] };
    group.cmds.push(m[2]!);
  }
  flush();
  return `${lines.join('\n')}\n`;
}
