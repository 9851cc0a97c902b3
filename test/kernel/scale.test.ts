import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, uniqueName } from './support.js';

interface Result {
  pass: boolean;
  outcomes: { title: string; pass: boolean; reached: boolean }[];
}

describe('scale lab: 20 containers on one bridge, full mesh', () => {
  const name = uniqueName('s');
  let state: string;
  let before: Record<string, string>;

  beforeAll(() => {
    requireKernel();
    state = isolateState();
    before = rootSnapshot();
  });

  afterAll(async () => {
    await cli('clean', name);
  });

  it('comes up in batched processes, one log line per op', async () => {
    const up = await cli('up', 'scale', '--containers', '20', '--name', name);
    expect(up.err).toBe('');
    expect(up.code).toBe(0);
    expect(namespacesOf(name)).toHaveLength(21);
    const log = readFileSync(join(state, 'nslab.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; argv: string[]; batch?: { argv: string[]; line: number }; durationMs?: number });
    const ops = log.filter((l) => l.msg === 'cmd' && l.batch && l.argv.join(' ').includes(`nslab-${name}-`));
    // The host's 6 (namespace, lo, bridge, its MAC, its address, up) + 20 * 9 ops in the plan
    // (eth0's IPv6 address generation off, as Docker has it, is the ninth), each logged as itself...
    expect(ops).toHaveLength(6 + 20 * 9);
    expect(ops.some((l) => l.argv.join(' ') === `ip -n nslab-${name}-c20 route add default via 172.17.0.1`)).toBe(true);
    expect(ops.every((l) => typeof l.durationMs === 'number')).toBe(true);
    // ...run by far fewer processes: namespaces, the host, and the containers' namespaces
    // fanned out from two `ip -batch` processes (each op logs the batch line it was).
    const processes = ops.filter((l) => l.batch!.line === 1);
    expect(processes.length).toBeLessThanOrEqual(8);
  });

  it('verify proves all 380 pairs by packets', async () => {
    const r = await cli('verify', name, '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as Result;
    expect(result.outcomes).toHaveLength(380);
    expect(new Set(result.outcomes.map((o) => o.title)).size).toBe(380);
    expect(result.outcomes.every((o) => o.pass && o.reached)).toBe(true);
  });

  it('results are exact per pair: with c5 unplugged, exactly its 38 pairs fail', async () => {
    execFileSync('ip', ['-n', `nslab-${name}-c5`, 'link', 'set', 'dev', 'eth0', 'down']);
    try {
      const r = await cli('verify', name, '--json');
      expect(r.code).toBe(1);
      const failed = (JSON.parse(r.out) as Result).outcomes.filter((o) => !o.pass).map((o) => o.title);
      expect(failed).toHaveLength(38);
      expect(failed.every((t) => t.startsWith('c5 -> ') || t.includes(' -> c5 ('))).toBe(true);
    } finally {
      execFileSync('ip', ['-n', `nslab-${name}-c5`, 'link', 'set', 'dev', 'eth0', 'up']);
    }
  });

  it('down removes every namespace and leaves the root namespace as it was', async () => {
    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });
});
