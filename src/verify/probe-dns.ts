import { say } from '../text/say.js';
import { agentCmd } from '../agent/agent.js';
import { EMBEDDED_DNS } from '../model/defaults.js';
import type { Runner } from '../exec/runner.js';
import type { ProbeResult } from './probes.js';


export const DNS_TIMEOUT_MS = 1000;

/**
 * Asks the DNS server at server:53, from inside `ns`, for the A record of `name`. The query
 * goes to the address a container's resolv.conf names, so it crosses the same DNAT rules a
 * real lookup does. `detail` is "name -> address", the rcode (NXDOMAIN), or why no answer came.
 */
export async function dnsLookup(runner: Runner, ns: string | undefined, name: string, server = EMBEDDED_DNS, transport: 'udp' | 'tcp' = 'udp', waitMs = DNS_TIMEOUT_MS): Promise<ProbeResult> {
  const r = await runner.run(agentCmd(ns, 'dns-query', server, '53', name, String(waitMs), transport), { allowFail: true, timeoutMs: waitMs + 4000 });
  let reply: { ok?: boolean; rcode?: string; addresses?: string[]; error?: string; ms?: number } = {};
  try {
    reply = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as typeof reply;
  } catch {
    reply = { ok: false, error: r.stderr.trim() || `exit ${r.exitCode}` };
  }
  if (reply.ok) return { reached: true, rttMs: reply.ms, detail: `${name} -> ${(reply.addresses ?? []).join(', ')}` };
  return { reached: false, detail: reply.rcode ?? reply.error ?? say`no answer` };
}
