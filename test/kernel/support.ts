import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, expect } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { instanceDir } from '../../src/lifecycle/state.js';

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
export function spawnNslab(argv: readonly string[], env: Record<string, string> = {}, input?: string): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(BIN, [...argv], { env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin!.end(input);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

export const BIN = fileURLToPath(new URL('../../bin/nslab', import.meta.url));

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

const nsRun = (ns: string, ...argv: string[]) => sh('ip', 'netns', 'exec', ns, ...argv);

/**
 * Everything a lab built, namespace by namespace, as text two builds can be compared by:
 * links (kind, master, flags, MTU, and the MACs nslab chose), IPv4 addresses and routes of
 * every table, iptables rules without counters, nslab's own nftables tables, permanent
 * neighbours, static fdb entries, the forwarding sysctls, the processes inside and the
 * /etc/netns files.
 *
 * Left out is what the kernel decides on its own, from history rather than from commands:
 * ifindexes; the MACs of veth ends nslab does not name; IPv6 (link-local addresses and the
 * multicast route a link gets once it has had carrier); the 127.0.0.1 the kernel gives lo
 * the first time it comes up, which stays after lo goes down; the unsolicited ARPs of a new
 * endpoint, sent for 2 s in the background; and an iptables table with no
 * rule and ACCEPT policies, which iptables-nft keeps once a rule was added and which
 * filters nothing.
 */
export function labState(lab: string): Record<string, string> {
  const state: Record<string, string> = {};
  for (const ns of namespacesOf(lab)) {
    const raw = JSON.parse(sh('ip', '-n', ns, '-j', '-d', 'link', 'show')) as { ifname: string; flags: string[]; master?: string; mtu: number; address?: string; linkinfo?: { info_kind?: string } }[];
    const loDown = !raw.find((l) => l.ifname === 'lo')?.flags.includes('UP');
    const links = raw
      .map((l) => {
        const kind = l.linkinfo?.info_kind ?? '';
        const mac = kind !== 'veth' ? (l.address ?? '') : '';
        return `${l.ifname} ${kind} ${l.master ?? ''} ${[...l.flags].sort().join(',')} ${l.mtu} ${mac}`;
      })
      .sort();
    const lo = (l: string) => loDown && /\blo\b/.test(l) && /127\.0\.0\.1|127\.0\.0\.0\/8|127\.255\.255\.255/.test(l);
    const addrs = sh('ip', '-n', ns, '-4', '-o', 'addr', 'show').split('\n').filter((l) => l && !lo(l)).map((l) => l.replace(/^\d+:\s+/, '').replace(/\s+valid_lft.*$/, '').replace(/\\/g, ''));
    const routes = sh('ip', '-n', ns, '-4', 'route', 'show', 'table', 'all').split('\n').filter((l) => l && !lo(l));
    const iptables = withoutIdleTables(nsRun(ns, 'iptables-save').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/, '')));
    const nft = ownNftTables(nsRun(ns, 'nft', 'list', 'ruleset')).map((l) => l.replace(/counter packets \d+ bytes \d+/, 'counter'));
    const neigh = sh('ip', '-n', ns, 'neigh', 'show', 'nud', 'permanent').split('\n').filter(Boolean);
    const fdb = nsRun(ns, 'bridge', 'fdb', 'show').split('\n').filter((l) => / dst /.test(l));
    const sysctls = ['net.ipv4.ip_forward', 'net.ipv4.conf.all.route_localnet', 'net.ipv4.conf.all.rp_filter'].map((k) => `${k}=${nsRun(ns, 'sysctl', '-n', k).trim()}`);
    const pids = sh('ip', 'netns', 'pids', ns).split('\n').filter(Boolean);
    const procs = pids
      .map((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim();
        } catch {
          return '';
        }
      })
      // Docker's unsolicited ARPs (arping, for 2 s after an endpoint is made) come and go on their own.
      .filter((p) => p && !/^arping /.test(p))
      .sort();
    const etc = existsSync(`/etc/netns/${ns}`) ? readdirSync(`/etc/netns/${ns}`).sort().map((f) => `${f}:\n${readFileSync(`/etc/netns/${ns}/${f}`, 'utf8')}`) : [];
    state[ns] = [links, addrs.sort(), routes.sort(), iptables, nft, neigh.sort(), fdb.sort(), sysctls, procs, etc].map((part) => part.join('\n')).join('\n--\n');
  }
  // The embedded DNS's records and each resolver's networks: files in the lab's own state.
  const records = ['dns', 'dns-views'].flatMap((d) => filesUnder(join(instanceDir(lab), d)));
  if (records.length) state['(dns records)'] = records.join('\n');
  return state;
}

/** Every file under a directory, as "path: contents", in order. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((f) => `${f.slice(dir.length)}: ${readFileSync(f, 'utf8').trim().replaceAll('\n', ' ')}`);
}

/** iptables-save without the tables that hold no rule and accept everything. */
function withoutIdleTables(lines: readonly string[]): string[] {
  const out: string[] = [];
  let table: string[] = [];
  for (const l of lines) {
    table.push(l);
    if (l !== 'COMMIT') continue;
    const idle = table.every((t) => t.startsWith('*') || t === 'COMMIT' || /^:\S+ ACCEPT/.test(t));
    if (!idle) out.push(...table);
    table = [];
  }
  return [...out, ...table];
}

/** The nft tables nslab writes itself (Docker 29's, the embedded DNS's), not iptables-nft's. */
function ownNftTables(ruleset: string): string[] {
  const blocks = ruleset.split(/\n(?=table )/);
  return blocks.filter((b) => /^table \S+ (docker|nslab)/.test(b.trim())).flatMap((b) => b.split('\n'));
}

/**
 * labState once the kernel has caught up: carrier follows a new or removed link a moment
 * later (a link reads LOWER_UP and NO-CARRIER at once until linkwatch runs), so it is read
 * until two reads 150 ms apart agree and no link is caught half-way.
 */
export async function settledLabState(lab: string, timeoutMs = 5000): Promise<Record<string, string>> {
  const deadline = performance.now() + timeoutMs;
  let last = labState(lab);
  for (;;) {
    await new Promise((r) => setTimeout(r, 150));
    const now = labState(lab);
    const halfway = Object.values(now).some((s) => /LOWER_UP\S*NO-CARRIER|NO-CARRIER\S*LOWER_UP/.test(s));
    if ((JSON.stringify(now) === JSON.stringify(last) && !halfway) || performance.now() > deadline) return now;
    last = now;
  }
}

export interface Outcome {
  title: string;
  pass: boolean;
  detail: string;
}

/** The outcomes that failed, each as "title: why", so a failing test says which and why. */
export const failed = (outcomes: readonly Outcome[]): string[] => outcomes.filter((o) => !o.pass).map((o) => `${o.title}: ${o.detail}`);

/**
 * What a file of lab tests needs: root, its own state directory, the root namespace as it
 * was before (`before()`), fresh lab names (`fresh(id)`), and a clean of each at the end.
 */
export function labNames(prefix: string): { fresh(id: string): string; before(): Record<string, string> } {
  let before: Record<string, string> = {};
  const names: string[] = [];
  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });
  afterAll(async () => {
    for (const n of names) await cli('clean', n);
  });
  return {
    fresh(id) {
      const n = uniqueName(`${prefix}${id.slice(0, 3)}`);
      names.push(n);
      return n;
    },
    before: () => before,
  };
}

/** Runs a script that builds lab `id` as `name` with bash alone, then verifies it by packets and cleans it. */
export async function replayAndVerify(script: string, name: string, id: string): Promise<void> {
  try {
    execFileSync('bash', [script], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LANG: 'C' } });
    // Nothing recorded it: verify rebuilds the model from the lab id and the names.
    const v = await cli('verify', name, '--lab', id, '--json');
    expect(v.err).toBe('');
    expect(failed((JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes)).toEqual([]);
    expect(v.code).toBe(0);
  } finally {
    expect((await cli('clean', name)).code).toBe(0);
  }
  expect(namespacesOf(name)).toEqual([]);
}

/**
 * A test file's own sandbox engine (`nslab docker`, `nslab compose`): its own name, so a
 * learner's `docker` sandbox is left alone, its own state, and a reset at the end that must
 * leave nothing. Returns the engine's instance name and the root snapshot taken before.
 */
export function sandboxSuite(prefix: string): { engine: string; before(): Record<string, string> } {
  const engine = uniqueName(prefix);
  process.env.NSLAB_DOCKER_NAME = engine;
  let before: Record<string, string> = {};
  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });
  afterAll(async () => {
    await cli('docker', 'reset');
    expect(namespacesOf(engine)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });
  return { engine, before: () => before };
}
