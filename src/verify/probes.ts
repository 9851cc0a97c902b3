import { say } from '../text/say.js';
import { agentCmd } from '../agent/agent.js';
import { cmd } from '../exec/command.js';
import type { CmdResult, Runner } from '../exec/runner.js';
import { parsePing } from './parse-ping.js';

export interface ProbeResult {
  readonly reached: boolean;
  readonly rttMs?: number | undefined;
  readonly detail: string;
}

export const PING_TIMEOUT_MS = 1000;

/**
 * One ICMP echo from inside `ns` (out of `dev` if given), waiting at most `timeoutMs` for the
 * reply. With `size`, that many payload bytes with don't-fragment set: it fits the path or fails.
 */
export async function ping(runner: Runner, ns: string | undefined, to: string, dev?: string, timeoutMs = PING_TIMEOUT_MS, size?: number): Promise<ProbeResult> {
  const args = ['-n', '-c', '1', '-W', String(timeoutMs / 1000), ...(dev ? ['-I', dev] : []), ...(size === undefined ? [] : ['-s', String(size), '-M', 'do']), to];
  const r = await runner.run(cmd('ping', args, ns), { allowFail: true, timeoutMs: timeoutMs + 4000 });
  const p = parsePing(r.stdout, r.stderr);
  if (r.exitCode === 0 && p.received > 0) return { reached: true, rttMs: p.rttMs, detail: `${p.rttMs ?? '?'} ms` };
  return { reached: false, detail: p.error ?? say`no reply within ${timeoutMs} ms` };
}

/** What an agent client printed: its one JSON line, or, if it printed none, why it failed. */
export interface AgentReply {
  readonly ok: boolean;
  readonly data?: string;
  readonly error?: string;
  readonly ms?: number;
  readonly addresses?: string[];
}

export function agentReply(r: CmdResult): AgentReply {
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as AgentReply;
  } catch {
    return { ok: false, error: r.stderr.trim() || `exit ${r.exitCode}` };
  }
}

/** Connects from `fromNs` to a service that is already listening; `detail` is what it answered. */
export async function tcpService(runner: Runner, fromNs: string | undefined, to: string, port: number): Promise<ProbeResult> {
  const reply = agentReply(await runner.run(agentCmd(fromNs, 'tcp-client', to, String(port), '1000'), { allowFail: true, timeoutMs: 5000 }));
  return reply.ok ? { reached: true, rttMs: reply.ms, detail: reply.data ?? '' } : { reached: false, detail: reply.error ?? say`no answer` };
}

/** Opens one TCP connection from `fromNs` and reports whether the handshake completed (why --port). */
export async function tcpConnect(runner: Runner, fromNs: string | undefined, to: string, port: number): Promise<ProbeResult> {
  const reply = agentReply(await runner.run(agentCmd(fromNs, 'tcp-client', to, String(port), '1000', '', 'connect'), { allowFail: true, timeoutMs: 5000 }));
  return reply.ok ? { reached: true, rttMs: reply.ms, detail: say`connected (${reply.ms} ms)` } : { reached: false, detail: reply.error ?? say`no answer` };
}

/**
 * Starts a whoami server in `serverNs` on to:port (0: any free port, so parallel probes
 * never share a listener), connects from `fromNs`, and returns what the server saw as
 * the source address (in `detail`). `listen` puts the server elsewhere: behind a DNAT
 * the client aims at to:port, which is not where the server listens.
 */
export async function tcpWhoami(
  runner: Runner,
  fromNs: string | undefined,
  serverNs: string | undefined,
  to: string,
  port: number,
  listen?: { address: string; port: number },
): Promise<ProbeResult> {
  const server = await runner.start(agentCmd(serverNs, 'whoami-server', listen?.address ?? to, String(listen?.port ?? port)), { ready: /^listening /, timeoutMs: 5000 });
  const bound = listen ? port : Number(/:(\d+)$/.exec(server.readyLine ?? '')?.[1] ?? port);
  try {
    return await tcpService(runner, fromNs, to, bound);
  } finally {
    await server.stop();
  }
}
