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
