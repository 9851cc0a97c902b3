import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { instanceDir } from '../../src/lifecycle/state.js';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, spawnNslab, uniqueName } from './support.js';

describe('labs never interfere', () => {
  let before: Record<string, string>;

  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });

  it('two labs come up at the same time with the same container names and the same subnet, and each works alone', async () => {
    const [a, b] = [uniqueName('ia'), uniqueName('ib')];
    const ups = await Promise.all([spawnNslab(['up', 'docker0', '--name', a]), spawnNslab(['up', 'docker0', '--name', b, '--containers', '3'])]);
    try {
      expect(ups.map((u) => u.code)).toEqual([0, 0]);
      expect(namespacesOf(b)).toEqual([`nslab-${b}-c1`, `nslab-${b}-c2`, `nslab-${b}-c3`, `nslab-${b}-host`, `nslab-${b}-wan`]);
      const verdicts = await Promise.all([cli('verify', a, '--json'), cli('verify', b, '--json')]);
      expect(verdicts.map((v) => JSON.parse(v.out).pass)).toEqual([true, true]);
      // Taking one down leaves the other whole: same names (c1, c2, docker0, 172.17.0.2), other namespaces.
      expect((await cli('down', a)).code).toBe(0);
      expect(namespacesOf(a)).toEqual([]);
      const still = await cli('verify', b, '--json');
      expect(JSON.parse(still.out).pass).toBe(true);
    } finally {
      await cli('clean', a);
      await cli('clean', b);
    }
    expect(namespacesOf(b)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });

  it('the same lab brought up twice at once: exactly one wins, the other is told and changes nothing', async () => {
    const name = uniqueName('il');
    const both = await Promise.all([spawnNslab(['up', 'docker0', '--name', name]), spawnNslab(['up', 'docker0', '--name', name])]);
    try {
      expect(both.map((r) => r.code).sort()).toEqual([0, 2]);
      const loser = both.find((r) => r.code === 2)!;
      expect(loser.err).toMatch(new RegExp(`^nslab: (lab ${name} is already up|network namespace nslab-${name}-\\w+ already exists)`));
      expect(JSON.parse((await cli('verify', name, '--json')).out).pass).toBe(true);
      expect((await cli('down', name)).code).toBe(0);
    } finally {
      await cli('clean', name);
    }
    expect(namespacesOf(name)).toEqual([]);
  });

  it('a stale lock from a crashed nslab (dead pid) is recovered: up undoes the leftovers and proceeds', async () => {
    const name = uniqueName('is');
    const crashed = await spawnNslab(['up', 'docker0', '--name', name], { NSLAB_FAULT_AFTER: '14' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(namespacesOf(name).length).toBeGreaterThan(0);
    try {
      const r = await cli('up', 'docker0', '--name', name);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse((await cli('verify', name, '--json')).out).pass).toBe(true);
      expect((await cli('down', name)).code).toBe(0);
    } finally {
      await cli('clean', name);
    }
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });

  it('a lock held by a live process is respected, and one left before the record was written is recovered', async () => {
    const live = uniqueName('iv');
    mkdirSync(instanceDir(live), { recursive: true });
    writeFileSync(join(instanceDir(live), 'manifest.json'), JSON.stringify({ id: 'docker0', name: live, options: {}, env: { brctl: true }, createdAt: '', pid: process.ppid, state: 'building' }));
    const r = await cli('up', 'docker0', '--name', live);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`lab ${live} is already up`);
    expect(namespacesOf(live)).toEqual([]);
    await cli('clean', live);

    const torn = uniqueName('it');
    mkdirSync(instanceDir(torn), { recursive: true });
    expect((await cli('up', 'docker0', '--name', torn)).code).toBe(0);
    expect((await cli('down', torn)).code).toBe(0);
    expect(namespacesOf(torn)).toEqual([]);
  });
});
