import { say } from '../text/say.js';
import { agentCmd } from '../agent/agent.js';
import type { Runner } from '../exec/runner.js';
import type { ProbeResult } from './probes.js';

/** One HTTP GET from inside `ns` (the agent's http-get), with a one-second deadline. */
export async function httpGet(runner: Runner, ns: string | undefined, to: string, port: number, body?: string): Promise<ProbeResult> {
  const r = await runner.run(agentCmd(ns, 'http-get', to, String(port), '1000'), { allowFail: true, timeoutMs: 5000 });
  let reply: { ok?: boolean; status?: number; body?: string; error?: string; ms?: number };
  try {
    reply = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as typeof reply;
  } catch {
    reply = { ok: false, error: r.stderr.trim() || `exit ${r.exitCode}` };
  }
  if (!reply.ok) return { reached: false, detail: reply.error ?? say`no answer` };
  const text = (reply.body ?? '').trim().split('\n')[0] ?? '';
  if (body !== undefined && !(reply.body ?? '').includes(body)) {
    return { reached: false, detail: say`HTTP ${reply.status}: "${text}" lacks "${body}"` };
  }
  return { reached: true, rttMs: reply.ms, detail: `HTTP ${reply.status}: ${text}` };
}
