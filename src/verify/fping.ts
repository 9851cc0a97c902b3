import { say } from '../text/say.js';
import { cmd, type Cmd } from '../exec/command.js';
import type { CmdResult, Runner } from '../exec/runner.js';
import type { ProbeResult } from './probes.js';

/**
 * One ICMP echo to each target from one namespace, all in flight at once (fping), each
 * with its own deadline: the whole set costs about one round trip, or `timeoutMs` when
 * something does not answer. Results are exact per target.
 */
export async function fpingMany(runner: Runner, ns: string | undefined, targets: readonly string[], timeoutMs: number): Promise<Map<string, ProbeResult>> {
  const r = await runner.run(fpingCmd(ns, targets, timeoutMs), { allowFail: true, timeoutMs: fpingTimeout(targets, timeoutMs) });
  return fpingResults(targets, r, timeoutMs);
}

/**
 * Many senders' fpings from one spawn of nslab's (Runner.runEach), `parallel` at a time: a
 * full mesh of 200 is 200 fpings, and from nslab's own process each spawn costs ~3 ms of its
 * one thread.
 */
export async function fpingEach(runner: Runner, groups: readonly { readonly ns: string | undefined; readonly targets: readonly string[] }[], timeoutMs: number, parallel: number): Promise<Map<string, ProbeResult>[]> {
  const rs = await runner.runEach(groups.map((g) => fpingCmd(g.ns, g.targets, timeoutMs)), { timeoutMs: Math.max(...groups.map((g) => fpingTimeout(g.targets, timeoutMs))), parallel });
  return rs.map((r, i) => fpingResults(groups[i]!.targets, r, timeoutMs));
}

// -C1 -q: one probe each, a summary line per target; -i0: no gap between targets;
// -r0: no retries (verify decides on retries, per pair). Addresses need only the network
// namespace: nsenter --net enters it without ip netns exec's mount work (see Cmd.netOnly).
const fpingCmd = (ns: string | undefined, targets: readonly string[], timeoutMs: number): Cmd => ({ ...cmd('fping', ['-C', '1', '-q', '-i', '0', '-r', '0', '-t', String(timeoutMs), ...new Set(targets)], ns), ...(ns === undefined ? {} : { netOnly: true as const }) });
const fpingTimeout = (targets: readonly string[], timeoutMs: number) => timeoutMs + 5000 + new Set(targets).size * 10;

function fpingResults(targets: readonly string[], r: CmdResult, timeoutMs: number): Map<string, ProbeResult> {
  const unique = [...new Set(targets)];
  const seen = parseFping(r.stderr);
  const results = new Map<string, ProbeResult>();
  for (const t of unique) {
    const rtt = seen.get(t);
    if (rtt !== undefined) results.set(t, { reached: true, rttMs: rtt, detail: `${rtt} ms` });
    else results.set(t, { reached: false, detail: seen.has(t) || r.exitCode <= 1 ? say`no reply within ${timeoutMs} ms` : r.stderr.trim().split('\n')[0] || `fping exit ${r.exitCode}` });
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
