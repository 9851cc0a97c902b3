import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import type { ProbeResult } from './probes.js';

/**
 * One ICMP echo to each target from one namespace, all in flight at once (fping), each
 * with its own deadline: the whole set costs about one round trip, or `timeoutMs` when
 * something does not answer. Results are exact per target.
 */
export async function fpingMany(runner: Runner, ns: string | undefined, targets: readonly string[], timeoutMs: number): Promise<Map<string, ProbeResult>> {
  const unique = [...new Set(targets)];
  // -C1 -q: one probe each, a summary line per target; -i0: no gap between targets;
  // -r0: no retries (verify decides on retries, per pair).
  const args = ['-C', '1', '-q', '-i', '0', '-r', '0', '-t', String(timeoutMs), ...unique];
  const r = await runner.run(cmd('fping', args, ns), { allowFail: true, timeoutMs: timeoutMs + 5000 + unique.length * 10 });
  const seen = parseFping(r.stderr);
  const results = new Map<string, ProbeResult>();
  for (const t of unique) {
    const rtt = seen.get(t);
    if (rtt !== undefined) results.set(t, { reached: true, rttMs: rtt, detail: `${rtt} ms` });
    else results.set(t, { reached: false, detail: seen.has(t) || r.exitCode <= 1 ? `no reply within ${timeoutMs} ms` : r.stderr.trim().split('\n')[0] || `fping exit ${r.exitCode}` });
  }
  return results;
}

/** `fping -C1 -q` summary lines, `addr : 0.05` or `addr : -`: rtt per address, undefined for no reply. */
export function parseFping(stderr: string): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  for (const line of stderr.split('\n')) {
    const m = /^(\S+)\s+:\s+(-|[\d.]+)\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2] === '-' ? undefined : Number(m[2]));
  }
  return out;
}
