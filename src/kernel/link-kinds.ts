import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NslabError } from '../errors.js';
import { cmd } from '../exec/command.js';
import { hintFor, stderrOneLine } from '../exec/failure-hints.js';
import type { Runner } from '../exec/runner.js';
import type { Op } from '../ops/op.js';

// What each kind needs to be created on its own in an empty namespace.
const PROBE_ARGS: Readonly<Record<string, readonly string[]>> = {
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

const lowerCmd = (ns: string) => cmd('ip', ['link', 'add', 'probelow', 'type', 'veth', 'peer', 'name', 'probelow1'], ns);

function probeCmd(ns: string, kind: string, name: string) {
  const lower = STACKED.has(kind) ? ['link', 'probelow'] : [];
  const extra = kind === 'veth' ? ['peer', 'name', `${name}p`] : (PROBE_ARGS[kind] ?? []);
  return cmd('ip', ['link', 'add', ...lower, name, 'type', kind, ...extra], ns);
}

/**
 * Tries one link of each kind in a throwaway namespace: what the kernel says, per kind
 * (undefined: it works). All of them in one `ip -batch` (the common case: every kind
 * works); only if that fails is each kind tried alone, to say which. The namespace follows
 * nslab's naming, so even a crash here leaves nothing `nslab clean` cannot find; deleting
 * it removes the probe links.
 */
export async function probeLinkKinds(runner: Runner, kinds: readonly string[]): Promise<Map<string, string | undefined>> {
  const result = new Map<string, string | undefined>(kinds.map((k) => [k, undefined]));
  if (kinds.length === 0 || runner.dryRun) return result;
  const ns = `nslab-probe${process.pid.toString(36)}-kinds`;
  await runner.run(cmd('ip', ['netns', 'add', ns]));
  try {
    const parent = kinds.some((k) => STACKED.has(k)) ? [lowerCmd(ns)] : [];
    const all = await runner.runBatch([...parent, ...kinds.map((k, i) => probeCmd(ns, k, `probe${i}`))]);
    if (all.error === undefined) return result;
    // A fresh namespace, so no link the batch made gets in the way (a vxlan's VNI is unique).
    await runner.run(cmd('ip', ['netns', 'del', ns]), { allowFail: true });
    await runner.run(cmd('ip', ['netns', 'add', ns]));
    for (const [i, kind] of kinds.entries()) {
      if (STACKED.has(kind)) await runner.run(parent[0]!, { allowFail: true });
      const r = await runner.run(probeCmd(ns, kind, `retry${i}`), { allowFail: true });
      result.set(kind, r.exitCode === 0 ? undefined : r.stderr.trim() || `exit ${r.exitCode}`);
    }
    return result;
  } finally {
    await runner.run(cmd('ip', ['netns', 'del', ns]), { allowFail: true });
  }
}

// A kind that worked once works until the kernel changes: the caller names a file per boot
// and kernel release (under /run), so \`up\` probes once, not every time. A kind that failed is
// tried again next time (its module may have been loaded since).
function workingKinds(cache: string): string[] {
  try {
    const kinds = JSON.parse(readFileSync(cache, 'utf8')) as unknown;
    return Array.isArray(kinds) ? kinds.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

function rememberKinds(cache: string, kinds: readonly string[]): void {
  mkdirSync(dirname(cache), { recursive: true });
  writeFileSync(cache, `${JSON.stringify([...new Set(kinds)].sort())}\n`);
}

// What iproute2 says when the kernel has no driver for a kind; anything else that fails
// a probe is not about the kind (a chroot where `ip netns exec` cannot remount /).
const KIND_MISSING = /Unknown device type|not supported|No such device|Error: Unknown/i;

/**
 * A kernel without (say) vxlan is reported before anything is built, not half-way through,
 * in the kernel's own words. A probe that failed for another reason says that reason.
 */
export async function requireLinkKinds(runner: Runner, kinds: readonly string[], cache?: string): Promise<void> {
  const known = cache === undefined ? [] : workingKinds(cache);
  const probed = await probeLinkKinds(runner, kinds.filter((k) => !known.includes(k)));
  const failed = [...probed].filter((e): e is [string, string] => e[1] !== undefined);
  if (cache !== undefined && !runner.dryRun) rememberKinds(cache, [...known, ...[...probed].filter(([, err]) => err === undefined).map(([k]) => k)]);
  if (failed.length === 0) return;
  const other = failed.find(([, err]) => !KIND_MISSING.test(err));
  if (other) {
    throw new NslabError(`could not test whether this kernel creates ${other[0]} links: ${stderrOneLine(other[1])}`, {
      hint: hintFor('ip', other[1]) ?? 'run `nslab doctor` to see what this machine lacks',
    });
  }
  const missing = failed.map(([k]) => k);
  throw new NslabError(`this kernel cannot create ${missing.join(', ')} links, which this lab needs (ip said: ${stderrOneLine(failed[0]![1])})`, {
    hint: `load the module (modprobe ${missing.join(' ')}) or use a kernel built with it, e.g. the Vagrant VM`,
  });
}
