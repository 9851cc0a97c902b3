import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { nsName } from '../model/names.js';
import type { Check } from './check.js';

// Each feature is tried by creating one such link inside a throwaway namespace.
const FEATURES: readonly { name: string; args: readonly string[]; usedBy: string }[] = [
  { name: 'veth', args: ['link', 'add', 'nslabv0', 'type', 'veth', 'peer', 'name', 'nslabv1'], usedBy: 'every container' },
  { name: 'bridge', args: ['link', 'add', 'nslabbr0', 'type', 'bridge'], usedBy: 'docker0 and user-defined networks' },
  { name: 'vxlan', args: ['link', 'add', 'nslabvx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789'], usedBy: 'overlay networks' },
  { name: 'macvlan', args: ['link', 'add', 'nslabmv0', 'link', 'nslabv0', 'type', 'macvlan', 'mode', 'bridge'], usedBy: 'macvlan networks' },
];

/**
 * Kernel link types nslab builds with, tried for real in a namespace that exists only
 * for the check (named like a lab's, so `nslab clean` finds it if doctor is killed).
 */
export async function checkKernelFeatures(runner: Runner): Promise<Check[]> {
  const ns = nsName(`doctor${process.pid.toString(36)}`, 'probe');
  const made = await runner.run(cmd('ip', ['netns', 'add', ns]), { allowFail: true });
  if (made.exitCode !== 0) return [{ name: 'kernel features', status: 'fail', detail: `cannot create a namespace to test in: ${made.stderr.trim()}` }];
  try {
    const checks: Check[] = [];
    for (const f of FEATURES) {
      const r = await runner.run(cmd('ip', f.args, ns), { allowFail: true });
      checks.push(
        r.exitCode === 0
          ? { name: `kernel: ${f.name}`, status: 'ok', detail: `link type works (${f.usedBy})` }
          : { name: `kernel: ${f.name}`, status: 'fail', detail: `${r.stderr.trim() || `exit ${r.exitCode}`}: labs using ${f.usedBy} cannot run` },
      );
    }
    return checks;
  } finally {
    await runner.run(cmd('ip', ['netns', 'del', ns]), { allowFail: true });
  }
}
