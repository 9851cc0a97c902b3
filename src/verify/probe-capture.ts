import { say } from '../text/say.js';
import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { findTool } from '../kernel/tools.js';
import { ping, type ProbeResult } from './probes.js';

const CAPTURE_DEADLINE_MS = 4000;
const RESEND_MS = 150;

/**
 * Captures on `iface` in `onNs` while `fromNs` pings `to`, and reports the first stretch of
 * tcpdump's text matching `match`. tcpdump announces readiness only on stderr, so instead of
 * guessing when it listens, the ping is repeated until the capture shows it (or a deadline).
 */
export async function captureWhilePinging(
  runner: Runner,
  probe: { onNs: string | undefined; iface: string; filter: readonly string[]; fromNs: string | undefined; to: string; match: string },
): Promise<ProbeResult> {
  if (!runner.dryRun && findTool('tcpdump') === undefined) return { reached: false, detail: 'tcpdump not found (Debian package tcpdump; run sudo ./scripts/provision.sh)' };
  const match = new RegExp(probe.match);
  // -l and --immediate-mode: each packet is printed as it arrives, not when a buffer fills.
  const dump = await runner.start(cmd('tcpdump', ['-i', probe.iface, '-n', '-l', '--immediate-mode', '-c', '50', ...probe.filter], probe.onNs));
  try {
    const deadline = performance.now() + CAPTURE_DEADLINE_MS;
    while (performance.now() < deadline) {
      await ping(runner, probe.fromNs, probe.to);
      const seen = match.exec(dump.output());
      if (seen) return { reached: true, detail: seen[0].replace(/\s+/g, ' ').trim() };
      await new Promise((resolve) => setTimeout(resolve, RESEND_MS));
    }
    return { reached: false, detail: say`tcpdump on ${probe.iface} saw nothing matching /${probe.match}/` };
  } finally {
    await dump.stop();
  }
}
