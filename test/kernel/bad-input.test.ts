import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError, NslabError } from '../../src/errors.js';
import { RealRunner } from '../../src/exec/real-runner.js';
import { requireLinkKinds } from '../../src/kernel/link-kinds.js';
import { findTool } from '../../src/kernel/tools.js';
import { journalPath, instanceDir } from '../../src/lifecycle/state.js';
import { createLogger } from '../../src/log.js';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, uniqueName } from './support.js';

// The bad-input catalogue: every case must print one line naming the problem with a hint
// in parentheses, exit non-zero, and change nothing (root namespace, this file's
// namespaces, and nslab's own records).

const up = uniqueName('bu'); // a lab kept running for "already up", "unknown node"
const broken = uniqueName('bj'); // a running lab whose journal gets corrupted
const mangled = uniqueName('bm'); // a running lab whose manifest gets corrupted
const fresh = uniqueName('bf'); // a name never brought up
const squatted = uniqueName('bs'); // its c2 namespace is made by hand, not by nslab
const partway = uniqueName('bp'); // a running lab stopped at step 3
let state = '';

type Result = { code: number; err: string };

interface Case {
  readonly title: string;
  readonly run: () => Promise<Result>;
  readonly error: RegExp;
  readonly hint: RegExp;
}

/** A copy of the checkout that any user can read (hard links where the filesystem allows). */
function readableCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nslab-readable-'));
  chmodSync(dir, 0o755);
  const repo = join(import.meta.dirname, '../..');
  for (const entry of ['package.json', 'tsconfig.json', 'bin', 'src', 'labs', 'node_modules']) {
    // Hard links save copying node_modules, where the temporary directory is on the same filesystem.
    try {
      execFileSync('cp', ['-a', ...(entry === 'node_modules' ? ['-l'] : []), join(repo, entry), dir], { stdio: 'ignore' });
    } catch {
      execFileSync('cp', ['-a', join(repo, entry), dir]);
    }
  }
  return dir;
}

/** A PATH holding every tool nslab uses except `missing`, as symlinks. */
function pathWithout(missing: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'nslab-path-'));
  for (const tool of ['ip', 'iptables', 'iptables-save', 'ping', 'arping', 'setsid', 'sysctl', 'brctl', 'node', 'nft']) {
    const where = findTool(tool);
    if (tool !== missing && where) symlinkSync(where, join(dir, tool));
  }
  return dir;
}

async function withPath(path: string, argv: string[]): Promise<Result> {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await cli(...argv);
  } finally {
    process.env.PATH = saved;
  }
}

/** The error as the CLI would print it, for checks called below the CLI. */
async function direct(fn: () => Promise<unknown>): Promise<Result> {
  try {
    await fn();
    return { code: 0, err: '' };
  } catch (err) {
    return { code: err instanceof NslabError ? err.exitCode : 1, err: `${formatError(err)}\n` };
  }
}

const firstRootRoute = (): string => {
  const routes = JSON.parse(execFileSync('ip', ['-j', 'route', 'show'], { encoding: 'utf8' })) as { dst: string }[];
  const r = routes.find((x) => x.dst !== 'default' && x.dst.includes('/'));
  if (!r) throw new Error('the root namespace has no subnet route to collide with');
  return r.dst;
};

const nsUp = (...argv: string[]) => () => cli('up', 'docker0', '--name', fresh, ...argv);

const CASES: Case[] = [
  {
    // Through the bin shim, as a user types it, from a copy an unprivileged user can read:
    // the checkout itself may sit under /root, where such a user reads nothing.
    title: 'not root',
    run: async () => {
      const copy = readableCheckout();
      try {
        // From a directory that user can enter (the tests' own may be /root/nslab), as a user would.
        const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(copy, 'bin/nslab'), 'up', 'docker0', '--name', fresh], {
          cwd: copy,
          encoding: 'utf8',
          env: { ...process.env, NSLAB_STATE_DIR: state },
        });
        return { code: r.status ?? 1, err: r.stderr };
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
    error: /^nslab: nslab must run as root to create network namespaces/,
    hint: /run it with sudo/,
  },
  { title: 'iproute2 missing', run: () => withPath(pathWithout('ip'), ['up', 'docker0', '--name', fresh]), error: /^nslab: ip not found \(Debian package iproute2\)/, hint: /sudo \.\/scripts\/provision\.sh/ },
  { title: 'iptables missing', run: () => withPath(pathWithout('iptables'), ['up', 'docker0', '--name', fresh]), error: /^nslab: iptables not found \(Debian package iptables\)/, hint: /sudo \.\/scripts\/provision\.sh/ },
  { title: 'ping missing', run: () => withPath(pathWithout('ping'), ['run', 'docker0', '--name', fresh]), error: /^nslab: ping not found \(Debian package iputils-ping\)/, hint: /sudo \.\/scripts\/provision\.sh/ },
  { title: 'sysctl missing', run: () => withPath(pathWithout('sysctl'), ['up', 'docker0', '--name', fresh]), error: /^nslab: sysctl not found \(Debian package procps\)/, hint: /sudo \.\/scripts\/provision\.sh/ },
  {
    title: 'bridge-utils missing when --brctl asks for it',
    run: () => withPath(pathWithout('brctl'), ['up', 'docker0', '--name', fresh, '--brctl']),
    error: /^nslab: brctl not found \(Debian package bridge-utils\)/,
    hint: /sudo \.\/scripts\/provision\.sh/,
  },
  {
    // This kernel really lacks ipvlan and dummy (see the brief); veth, bridge and vxlan pass the same probe.
    title: 'kernel without a link kind a lab needs',
    run: () => direct(() => requireLinkKinds(new RealRunner({ logger: createLogger() }), ['veth', 'bridge', 'vxlan', 'ipvlan'])),
    error: /^nslab: this kernel cannot create ipvlan links, which this lab needs/,
    hint: /modprobe ipvlan/,
  },
  { title: 'unknown lab', run: () => cli('up', 'dokcer0', '--name', fresh), error: /^nslab: unknown lab "dokcer0"/, hint: /known labs: docker0/ },
  { title: 'unknown node', run: () => cli('exec', up, 'c9', '--', 'true'), error: new RegExp(`^nslab: lab ${up} has no node "c9"`), hint: /its nodes: host, wan, c1, c2/ },
  { title: 'node name with shell metacharacters', run: () => cli('exec', up, 'c1;reboot', '--', 'true'), error: /has no node "c1;reboot"/, hint: /its nodes/ },
  { title: 'lab not up', run: () => cli('down', fresh), error: new RegExp(`^nslab: lab ${fresh} is not up`), hint: /nslab ls/ },
  { title: 'verify a lab that is not up', run: () => cli('verify', fresh), error: new RegExp(`^nslab: lab ${fresh} is not up`), hint: /nslab ls/ },
  { title: 'a Docker version nslab does not rebuild', run: nsUp('--docker', '26'), error: /^nslab: unknown Docker version "26"/, hint: /use --docker 27, 28, 29/ },
  { title: 'a firewall backend Docker does not have', run: nsUp('--firewall', 'pf'), error: /^nslab: unknown firewall backend "pf"/, hint: /use --firewall iptables or nftables/ },
  { title: 'nftables before Docker 29', run: nsUp('--docker', '28', '--firewall', 'nftables'), error: /^nslab: Docker 28 has no nftables backend/, hint: /--docker 29 --firewall nftables/ },
  { title: 'CIDR with prefix over 32', run: nsUp('--subnet', '172.30.0.0/33'), error: /^nslab: invalid IPv4 subnet "172.30.0.0\/33"/, hint: /a\.b\.c\.d\/len/ },
  { title: 'CIDR that is not an address', run: nsUp('--subnet', 'banana'), error: /^nslab: invalid IPv4 subnet "banana"/, hint: /a\.b\.c\.d\/len/ },
  { title: 'CIDR with host bits set', run: nsUp('--subnet', '172.30.0.1/16'), error: /^nslab: 172\.30\.0\.1\/16 is not a network address/, hint: /did you mean 172\.30\.0\.0\/16/ },
  { title: 'subnet overlapping the sandbox internet', run: nsUp('--subnet', '198.51.100.0/25'), error: /^nslab: subnet 198\.51\.100\.0\/25 of bridge docker0 overlaps 198\.51\.100\.0\/24/, hint: /does not overlap/ },
  { title: 'subnet overlapping the internet server', run: nsUp('--subnet', '203.0.113.0/24'), error: /overlaps 203\.0\.113\.10\/32 of the internet server/, hint: /does not overlap/ },
  { title: 'subnet too small for the containers asked for', run: nsUp('--subnet', '172.30.0.0/30', '--containers', '3'), error: /^nslab: subnet 172\.30\.0\.0\/30 has room for 1 container besides the gateway, 3 asked/, hint: /a \/29 or shorter/ },
  { title: 'subnet too small for a gateway and a container', run: nsUp('--subnet', '172.30.0.0/31'), error: /^nslab: subnet 172\.30\.0\.0\/31 is too small/, hint: /\/30 or shorter/ },
  { title: 'zero containers', run: nsUp('--containers', '0'), error: /^nslab: invalid container count "0"/, hint: /from 1 to 64/ },
  { title: 'container count that is not a number', run: nsUp('--containers', 'many'), error: /^nslab: invalid container count "NaN"/, hint: /from 1 to 64/ },
  { title: 'too many containers', run: nsUp('--containers', '1000'), error: /^nslab: invalid container count "1000"/, hint: /from 1 to 64/ },
  { title: 'interface name over 15 characters', run: nsUp('--bridge', 'averyverylongbridge'), error: /^nslab: interface name "averyverylongbridge" is 19 characters; Linux allows at most 15/, hint: /shorter/ },
  { title: 'interface name with a slash', run: nsUp('--bridge', 'br/0'), error: /^nslab: interface name "br\/0" has characters/, hint: /letters, digits/ },
  { title: 'interface name with a space', run: nsUp('--bridge', 'br 0'), error: /^nslab: interface name "br 0" has characters/, hint: /letters, digits/ },
  { title: 'interface name with shell metacharacters', run: nsUp('--bridge', 'br$(id)'), error: /^nslab: interface name "br\$\(id\)" has characters/, hint: /letters, digits/ },
  { title: 'lab name with shell metacharacters', run: () => cli('up', 'docker0', '--name', 'a;rm -rf /'), error: /^nslab: invalid lab name "a;rm -rf \/"/, hint: /lowercase letter/ },
  { title: 'lab name with command substitution', run: () => cli('up', 'docker0', '--name', '$(reboot)'), error: /^nslab: invalid lab name "\$\(reboot\)"/, hint: /lowercase letter/ },
  { title: 'lab name too long for a namespace name', run: () => cli('up', 'docker0', '--name', 'a'.repeat(25)), error: /^nslab: invalid lab name "a{25}"/, hint: /up to 23/ },
  { title: 'lab name with the separator', run: () => cli('up', 'docker0', '--name', 'lab-1'), error: /^nslab: invalid lab name "lab-1"/, hint: /lowercase letter/ },
  { title: 'clean with a name that is not a lab name', run: () => cli('clean', 'x;y'), error: /^nslab: invalid lab name "x;y"/, hint: /lowercase letter/ },
  { title: 'lab already up', run: () => cli('up', 'docker0', '--name', up), error: new RegExp(`^nslab: lab ${up} is already up`), hint: new RegExp(`nslab down ${up}`) },
  {
    title: 'a namespace of the same name that nslab did not create',
    run: () => cli('up', 'docker0', '--name', squatted),
    error: new RegExp(`^nslab: network namespace nslab-${squatted}-c2 already exists and nslab has no record of creating it`),
    hint: /ip netns del/,
  },
  {
    title: 'a root-namespace link of the same name that nslab did not create',
    run: nsUp('--root-ns', '--bridge', 'lo'),
    error: /^nslab: link lo already exists in the root namespace and nslab did not create it/,
    hint: /drop --root-ns/,
  },
  {
    title: 'a root-namespace route overlapping the subnet',
    run: () => nsUp('--root-ns', '--subnet', firstRootRoute())(),
    error: /^nslab: subnet \S+ overlaps the route \S+ dev \S+ already in the root namespace/,
    hint: /another --subnet/,
  },
  { title: 'corrupt journal', run: () => cli('down', broken), error: /^nslab: journal \S+ is corrupt at line 2: cannot tell what lab \S+ applied/, hint: new RegExp(`nslab clean ${broken}`) },
  { title: 'corrupt lab record', run: () => cli('verify', mangled), error: new RegExp(`^nslab: the record of lab ${mangled} is unreadable`), hint: new RegExp(`nslab clean ${mangled}`) },
  { title: 'a step number the lab does not have', run: () => cli('up', 'docker0', '--name', fresh, '--step', '99'), error: /^nslab: --step 99 is not a step of lab docker0 \(it has steps 1 to 7\)/, hint: /the steps: 1 Create the docker host; 2 / },
  { title: 'step zero', run: () => cli('up', 'docker0', '--name', fresh, '--step', '0'), error: /^nslab: --step 0 is not a step of lab docker0/, hint: /the steps: 1 / },
  { title: 'a title no step has', run: () => cli('up', 'docker0', '--name', fresh, '--until', 'frobnicate'), error: /^nslab: no step of lab docker0 has "frobnicate" in its title/, hint: /the steps: 1 / },
  { title: 'part of a word is not a word: --until connec', run: () => cli('up', 'connect', '--name', fresh, '--until', 'connec'), error: /^nslab: no step of lab connect has "connec" in its title/, hint: /6 Connect web to my_bridge/ },
  { title: 'a title several steps have', run: () => cli('up', 'connect', '--name', fresh, '--until', 'web'), error: /^nslab: "web" matches 3 steps of lab connect: 4, 6, 7/, hint: /use --step N, or more words of one title/ },
  { title: '--step and --until together', run: () => cli('up', 'docker0', '--name', fresh, '--step', '2', '--until', 'c1'), error: /^nslab: give --step or --until, not both/, hint: /the steps of docker0/ },
  { title: '--from past the last step', run: () => cli('lab', 'docker0', '--name', fresh, '--from', '8', '--yes'), error: /^nslab: --from 8 is not a step of lab docker0/, hint: /the steps: 1 / },
  { title: 'rewind a lab that is not up', run: () => cli('lab', fresh, '--rewind', '2'), error: new RegExp(`^nslab: lab ${fresh} is not up: there is nothing to rewind`), hint: /nslab up <lab> --step N/ },
  { title: 'rewind to a step after the current one', run: () => cli('lab', partway, '--rewind', '5'), error: new RegExp(`^nslab: lab ${partway} stands at step 3: it cannot rewind forward to step 5`), hint: new RegExp(`--name ${partway} --from 4`) },
  { title: 'rewind to a step the lab does not have', run: () => cli('lab', up, '--rewind', '12'), error: new RegExp(`^nslab: --rewind 12 is not a step of lab ${up} \\(it has steps 1 to 7\\)`), hint: /nslab lab docker0 --steps/ },
  { title: 'a -p, which no lab takes', run: nsUp('-p', '8080:80'), error: /^nslab: lab docker0 takes no -p/, hint: /nslab docker run -d -p 8080:80 nginx/ },
];

/** Everything a failed command must leave as it was. */
function snapshot(): Record<string, unknown> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      // The per-lab lock files (empty; the kernel holds the lock, only while a command runs).
      if (p === join(state, 'locks')) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (!p.endsWith('nslab.log')) files[p] = readFileSync(p, 'utf8');
    }
  };
  walk(state);
  const ours = [up, broken, mangled, fresh, squatted, partway].flatMap((n) => namespacesOf(n));
  return { root: rootSnapshot(), namespaces: ours, files };
}

describe('bad input: one line with a hint, non-zero exit, nothing changed', () => {
  beforeAll(async () => {
    requireKernel();
    state = isolateState();
    for (const name of [up, broken, mangled]) expect((await cli('up', 'docker0', '--name', name, '--containers', '2')).code).toBe(0);
    expect((await cli('up', 'docker0', '--name', partway, '--step', '3')).code).toBe(0);
    // A crash mid-write leaves a torn last line, which is tolerated; garbage before the end is not.
    const lines = readFileSync(journalPath(broken), 'utf8').split('\n');
    writeFileSync(journalPath(broken), [lines[0], '{"t":"op","e":{garbage', ...lines.slice(1)].join('\n'));
    writeFileSync(join(instanceDir(mangled), 'manifest.json'), '{"id":');
    execFileSync('ip', ['netns', 'add', `nslab-${squatted}-c2`]);
  });

  afterAll(async () => {
    for (const name of [up, broken, mangled, fresh, squatted, partway]) await cli('clean', name);
  });

  it(`has at least thirty cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('$title', async (c) => {
    const before = snapshot();
    const r = await c.run();
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/^nslab: [^\n]+ \([^\n]+\)\n$/);
    expect(r.err).toMatch(c.error);
    expect(r.err).toMatch(c.hint);
    expect(snapshot()).toEqual(before);
  });
});
