import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const sh = (file: string, ...args: string[]) => execFileSync(file, args, { encoding: 'utf8', env: { ...process.env, LANG: 'C' } });

export function namespacesOf(lab: string): string[] {
  return sh('ip', 'netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`nslab-${lab}-`))
    .sort();
}

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
  return { links, addrs, routes, rules, forward };
}
