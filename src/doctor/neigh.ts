import { cmd, type Cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import type { Check } from './check.js';

export const GC_KEYS = ['gc_thresh1', 'gc_thresh2', 'gc_thresh3'] as const;
export type GcKey = (typeof GC_KEYS)[number];
export type GcThresholds = Record<GcKey, number>;

const sysctlName = (k: GcKey) => `net.ipv4.neigh.default.${k}`;

/**
 * Neighbour entries a full mesh of `containers` on one bridge needs at once. The limits
 * are the kernel's, for every namespace together: each container learns every other one
 * (N*(N-1)), and each container and the host learn each other through the gateway (2N).
 */
export function neighboursNeeded(containers: number): number {
  return containers * (containers - 1) + 2 * containers;
}

/** The largest full mesh a hard limit of `thresh3` entries holds. */
export function largestMesh(thresh3: number): number {
  let n = 1;
  while (neighboursNeeded(n + 1) <= thresh3) n++;
  return n;
}

/**
 * The limits, or undefined where they cannot be seen: the kernel shows them only in the
 * machine's initial network namespace (nslab run inside a container, or in a namespace of its
 * own, sees no /proc/sys/net/ipv4/neigh/default/gc_thresh*).
 */
export async function readThresholds(runner: Runner): Promise<GcThresholds | undefined> {
  const results = await Promise.all(GC_KEYS.map((k) => runner.run(cmd('sysctl', ['-n', sysctlName(k)]), { allowFail: true })));
  if (results.some((r) => r.exitCode !== 0)) {
    if (results.every((r) => /cannot stat|No such file/.test(r.stderr))) return undefined;
    const failed = results.find((r) => r.exitCode !== 0)!;
    throw new Error(`sysctl -n ${sysctlName('gc_thresh1')}: ${failed.stderr.trim()}`);
  }
  const values = results.map((r) => Number(r.stdout.trim()));
  return { gc_thresh1: values[0]!, gc_thresh2: values[1]!, gc_thresh3: values[2]! };
}

/** The check when the limits cannot be seen from this namespace: nothing to judge or fix here. */
export function unseenThresholds(containers: number): Check {
  return {
    name: `neighbour table for ${containers} containers`,
    status: 'warn',
    detail: "gc_thresh1/2/3 are not visible here: this is not the machine's initial network namespace, where the kernel keeps them; run nslab doctor there",
  };
}

/**
 * Past gc_thresh3 the kernel refuses new entries and drops the packets waiting on them;
 * past gc_thresh2 it starts evicting entries older than 5 s. gc_thresh1 (the floor below
 * which nothing is collected) is left alone.
 */
export function judgeThresholds(t: GcThresholds, containers: number): Check {
  const need = neighboursNeeded(containers);
  const name = `neighbour table for ${containers} containers`;
  const now = `gc_thresh1/2/3 = ${t.gc_thresh1}/${t.gc_thresh2}/${t.gc_thresh3}, a full mesh needs ${need} entries`;
  if (need > t.gc_thresh3) {
    return { name, status: 'fail', detail: `${now}: past gc_thresh3 the kernel drops packets (largest mesh now: ${largestMesh(t.gc_thresh3)} containers)`, fixable: true };
  }
  if (need > t.gc_thresh2) return { name, status: 'warn', detail: `${now}: entries past gc_thresh2 are evicted after 5 s`, fixable: true };
  return { name, status: 'ok', detail: now };
}

/** What --fix sets: room for the mesh and as much again for other labs, never lowering. */
export function raisedThresholds(t: GcThresholds, containers: number): GcThresholds {
  const need = neighboursNeeded(containers);
  return { gc_thresh1: t.gc_thresh1, gc_thresh2: Math.max(t.gc_thresh2, need), gc_thresh3: Math.max(t.gc_thresh3, 2 * need) };
}

/** Writes the thresholds that differ; returns what changed, as `key: old -> new`. */
/** The sysctl commands that take the limits from `from` to `to`. */
export function thresholdCommands(from: GcThresholds, to: GcThresholds): Cmd[] {
  return GC_KEYS.filter((k) => from[k] !== to[k]).map((k) => cmd('sysctl', ['-w', `${sysctlName(k)}=${to[k]}`]));
}

export async function writeThresholds(runner: Runner, from: GcThresholds, to: GcThresholds): Promise<string[]> {
  for (const c of thresholdCommands(from, to)) await runner.run(c);
  return GC_KEYS.filter((k) => from[k] !== to[k]).map((k) => `${sysctlName(k)}: ${from[k]} -> ${to[k]}`);
}
