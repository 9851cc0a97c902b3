import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

/** Kernel tests need root and namespaces; they fail (never skip) without them. */
export function requireKernel(): void {
  if (process.getuid?.() !== 0) throw new Error('kernel tests must run as root (they create network namespaces)');
}

let counter = 0;
/** A lab name no other test file uses at the same time. */
export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid.toString(36)}${(counter++).toString(36)}`.slice(0, 24);
}

/** Each test file gets its own state directory, so records never mix. */
export function isolateState(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nslab-kt-'));
  process.env.NSLAB_STATE_DIR = dir;
  return dir;
}

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const sh = (file: string, ...args: string[]) => execFileSync(file, args, { encoding: 'utf8', env: { ...process.env, LANG: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });

export function namespacesOf(lab: string): string[] {
  return sh('ip', 'netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`nslab-${lab}-`))
    .sort();
}

// Host settings a Docker-like lab could plausibly touch.
const SYSCTLS = [
  'net.ipv4.conf.all.forwarding',
  'net.ipv4.conf.default.forwarding',
  'net.ipv4.conf.all.rp_filter',
  'net.ipv4.conf.all.route_localnet',
  'net.bridge.bridge-nf-call-iptables',
];

/**
 * What a sandbox lab must never change in the namespace the tests run in: links,
 * addresses, routes, forwarding, and the iptables rule set (counters and timestamps aside).
 */
export function rootSnapshot(): Record<string, string> {
  const links = (JSON.parse(sh('ip', '-j', 'link', 'show')) as { ifname: string; flags: string[]; master?: string }[])
    .map((l) => `${l.ifname} ${l.flags.join(',')} ${l.master ?? ''}`)
    .sort()
    .join('\n');
  const addrs = sh('ip', '-o', 'addr', 'show').split('\n').map((l) => l.replace(/\s+valid_lft.*$/, '')).sort().join('\n');
  const routes = sh('ip', 'route', 'show').split('\n').sort().join('\n');
  const rules = sh('iptables-save')
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/, ''))
    .join('\n');
  const forward = sh('sysctl', '-n', 'net.ipv4.ip_forward');
  const sysctls = SYSCTLS.map((k) => `${k}=${sh('sysctl', '-n', k).trim()}`).join('\n');
  return { links, addrs, routes, rules, forward, sysctls };
}

/** Spawns the real CLI (a separate process, as a user would), with the tests' state dir. */
export function spawnNslab(argv: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, [...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

const BIN = fileURLToPath(new URL('../../bin/nslab', import.meta.url));

/** Runs `work` over `items`, at most `limit` at a time. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
