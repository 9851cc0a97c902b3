import { NslabError } from '../errors.js';
import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import type { Op } from '../ops/op.js';

// What each kind needs to be created on its own in an empty namespace.
const PROBE_ARGS: Readonly<Record<string, readonly string[]>> = {
  veth: ['peer', 'name', 'probe1'],
  vxlan: ['id', '42', 'dstport', '4789'],
  vlan: ['id', '42'],
  macvlan: ['mode', 'bridge'],
};

// Kinds that stack on a lower device (a macvlan's parent) are probed on a veth made first.
const STACKED: ReadonlySet<string> = new Set(['macvlan', 'vlan']);

/** The link kinds a lab's ops create (`ip link add ... type X`, `brctl addbr`). */
export function linkKindsOf(ops: readonly Op[]): string[] {
  const kinds = new Set<string>();
  for (const { cmd: c } of ops) {
    if (c.file === 'brctl' && c.args[0] === 'addbr') kinds.add('bridge');
    if (c.file === 'ip' && c.args[0] === 'link' && c.args[1] === 'add') {
      const at = c.args.indexOf('type');
      if (at >= 0 && c.args[at + 1]) kinds.add(c.args[at + 1]!);
    }
  }
  return [...kinds].sort();
}

/**
 * Creates one link of each kind in a throwaway namespace, so a kernel without (say) vxlan
 * is reported before anything is built, not half-way through. The namespace follows
 * nslab's naming, so even a crash here leaves nothing `nslab clean` cannot find.
 */
export async function requireLinkKinds(runner: Runner, kinds: readonly string[]): Promise<void> {
  if (kinds.length === 0 || runner.dryRun) return;
  const ns = `nslab-probe${process.pid.toString(36)}-kinds`;
  await runner.run(cmd('ip', ['netns', 'add', ns]));
  const missing: string[] = [];
  try {
    if (kinds.some((k) => STACKED.has(k))) await runner.run(cmd('ip', ['link', 'add', 'probelow', 'type', 'veth', 'peer', 'name', 'probelow1'], ns), { allowFail: true });
    for (const kind of kinds) {
      const lower = STACKED.has(kind) ? ['link', 'probelow'] : [];
      const r = await runner.run(cmd('ip', ['link', 'add', ...lower, 'probe0', 'type', kind, ...(PROBE_ARGS[kind] ?? [])], ns), { allowFail: true });
      if (r.exitCode !== 0) missing.push(kind);
      else await runner.run(cmd('ip', ['link', 'del', 'probe0'], ns), { allowFail: true });
    }
  } finally {
    await runner.run(cmd('ip', ['netns', 'del', ns]), { allowFail: true });
  }
  if (missing.length > 0) {
    throw new NslabError(`this kernel cannot create ${missing.join(', ')} links, which this lab needs`, {
      hint: `load the module (modprobe ${missing.join(' ')}) or use a kernel built with it, e.g. the Vagrant VM`,
    });
  }
}
