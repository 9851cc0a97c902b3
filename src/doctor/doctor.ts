import type { Runner } from '../exec/runner.js';
import type { Check } from './check.js';
import { checkPrivileges, checkTools } from './host-checks.js';
import { checkKernelFeatures } from './kernel-features.js';
import { judgeThresholds, raisedThresholds, readThresholds, thresholdCommands, unseenThresholds, writeThresholds } from './neigh.js';
import type { Cmd } from '../exec/command.js';

export interface DoctorReport {
  readonly checks: readonly Check[];
  /** What --fix changed, as `key: old -> new`. */
  readonly changed: readonly string[];
  /** With `plan`: the commands --fix would run, run by nothing. */
  readonly wouldRun?: readonly Cmd[] | undefined;
}

/**
 * Everything a lab of `containers` containers needs from this machine. With `fix`, raises
 * the neighbour table limits (root-namespace sysctls, the only thing doctor changes) and
 * checks again.
 */
export async function runDoctor(runner: Runner, options: { containers: number; fix: boolean; plan?: boolean }): Promise<DoctorReport> {
  const host = [...checkPrivileges(), ...checkTools()];
  const privileged = host.every((c) => c.status === 'ok' || !['root', 'capabilities', 'network namespaces', 'tool ip', 'tool sysctl'].includes(c.name));
  if (!privileged) return { checks: host, changed: [] };
  const kernel = await checkKernelFeatures(runner);
  let thresholds = await readThresholds(runner);
  if (thresholds === undefined) return { checks: [...host, ...kernel, unseenThresholds(options.containers)], changed: [] };
  let changed: string[] = [];
  if (options.plan) {
    const ok = judgeThresholds(thresholds, options.containers).status === 'ok';
    return { checks: [...host, ...kernel, judgeThresholds(thresholds, options.containers)], changed, wouldRun: ok ? [] : thresholdCommands(thresholds, raisedThresholds(thresholds, options.containers)) };
  }
  if (options.fix && judgeThresholds(thresholds, options.containers).status !== 'ok') {
    changed = await writeThresholds(runner, thresholds, raisedThresholds(thresholds, options.containers));
    if (!runner.dryRun) thresholds = (await readThresholds(runner)) ?? thresholds;
  }
  return { checks: [...host, ...kernel, judgeThresholds(thresholds, options.containers)], changed };
}
