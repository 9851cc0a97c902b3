import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// The benchmark times whole processes, as a user at a shell would: it is a harness around
// nslab, not part of it, so it spawns directly.

export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The nslab a user runs: the one on PATH, as scripts/provision.sh installed it (a symlink to
 * this checkout's bin/nslab, which runs the bundle). The benchmark measures that path, not a
 * bundle it would build itself.
 */
export function installedNslab(): string {
  const r = spawnSync('sh', ['-c', 'command -v nslab'], { encoding: 'utf8' });
  const path = r.stdout.trim();
  if (r.status !== 0 || !path) throw new Error('nslab is not on PATH: run ./scripts/provision.sh first (as root), which installs it where the README says');
  return path;
}

export const NSLAB = installedNslab();

export interface Timed {
  readonly seconds: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function timed(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Timed {
  const started = performance.now();
  const r = spawnSync(file, args, { encoding: 'utf8', env: { ...env, LANG: 'C', LC_ALL: 'C' }, maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs it and fails the benchmark loudly if it fails: a fast failure is not a result. */
export function mustTime(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): number {
  const r = timed(file, args, env);
  if (r.code !== 0) throw new Error(`${[file, ...args].join(' ')} failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r.seconds;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function sh(file: string, ...args: string[]): string {
  const r = spawnSync(file, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export function namespacesOf(lab: string): string[] {
  return sh('ip', 'netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`nslab-${lab}-`));
}

/**
 * Mininet's pingall: one `ping -c1 -W1` process per ordered pair, one after another. At
 * large N that takes minutes, so only `sample` pairs (spread over the mesh) are timed and
 * the rest extrapolated from their mean: the result says how many were measured.
 */
export function sequentialPing(pairs: readonly { fromNs: string; to: string }[], sample: number): { seconds: number; measured: number; failed: number } {
  const step = Math.max(1, Math.floor(pairs.length / sample));
  const chosen = pairs.filter((_, i) => i % step === 0).slice(0, sample);
  let failed = 0;
  const started = performance.now();
  for (const p of chosen) {
    const r = spawnSync('ip', ['netns', 'exec', p.fromNs, 'ping', '-n', '-c', '1', '-W', '1', p.to], { stdio: 'ignore' });
    if (r.status !== 0) failed++;
  }
  const perPair = (performance.now() - started) / 1000 / chosen.length;
  return { seconds: perPair * pairs.length, measured: chosen.length, failed };
}

/**
 * The fastest hand-written full mesh: one `fping` per sender, all its targets in flight, as
 * many senders at once as there are CPUs (`xargs -P`; more at once is slower, since each
 * `ip netns exec` remounts /sys). What the kernel needs for the mesh, against which nslab's
 * verify is judged; its output is not read, only its exit code (0: every target answered).
 */
export function fpingMesh(pairs: readonly { fromNs: string; to: string }[], parallel: number): { seconds: number; allAnswered: boolean } {
  const bySender = new Map<string, string[]>();
  for (const p of pairs) bySender.set(p.fromNs, [...(bySender.get(p.fromNs) ?? []), p.to]);
  const lines = [...bySender].map(([ns, targets]) => [ns, 'fping', '-C', '1', '-q', '-i', '0', '-r', '0', '-t', '1000', ...targets].join(' '));
  const started = performance.now();
  const r = spawnSync('xargs', ['-P', String(parallel), '-L', '1', 'ip', 'netns', 'exec'], { input: `${lines.join('\n')}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
  return { seconds: (performance.now() - started) / 1000, allAnswered: r.status === 0 };
}
