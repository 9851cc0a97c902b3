import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failed, isolateState, namespacesOf, requireKernel, rootSnapshot, spawnNslab, uniqueName, type Outcome } from './support.js';

// dockerd serialises its API calls; nslab's engine does too. Several docker and compose
// commands started at once, each a process of its own as a learner's terminals would run
// them, must each end as if run alone, one after another.

const COMPOSE = `services:
  api:
    image: nginx
    networks: [cnet]
  cache:
    image: redis
    networks: [cnet]
networks:
  cnet:
    external: true
`;

describe('docker and compose commands at once on one engine', () => {
  it('three docker runs, a network create and a compose up, all at once: each applies whole, with its own address, all in ps; reset leaves nothing', async () => {
    requireKernel();
    isolateState();
    const before = rootSnapshot();
    const engine = uniqueName('cc');
    const env = { NSLAB_DOCKER_NAME: engine };
    expect((await spawnNslab(['docker', '-q', 'network', 'create', 'cnet'], env)).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'nslab-cc-'));
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE);

    const runs = await Promise.all([
      spawnNslab(['docker', '-q', 'run', '-d', '--network', 'cnet', 'busybox', 'sleep', 'infinity'], env),
      spawnNslab(['docker', '-q', 'run', '-d', '--network', 'cnet', 'busybox', 'sleep', 'infinity'], env),
      spawnNslab(['docker', '-q', 'run', '-d', '--network', 'cnet', 'busybox', 'sleep', 'infinity'], env),
      spawnNslab(['docker', '-q', 'network', 'create', 'other'], env),
      spawnNslab(['compose', '-f', join(dir, 'compose.yaml'), '-p', 'cc', '--quiet', 'up'], env),
    ]);
    expect(runs.map((r) => `${r.code} ${r.err.trim()}`)).toEqual(['0 ', '0 ', '0 ', '0 ', '0 ']);

    const ps = JSON.parse((await spawnNslab(['--json', 'docker', 'ps'], env)).out) as { Names: string }[];
    expect(ps.map((r) => r.Names).sort()).toEqual(['busybox1', 'busybox2', 'busybox3', 'cc-api-1', 'cc-cache-1']);
    const inspect = JSON.parse((await spawnNslab(['docker', 'network', 'inspect', 'cnet'], env)).out) as { Containers: Record<string, { Name: string; IPv4Address: string }> }[];
    const addresses = Object.values(inspect[0]!.Containers).map((c) => c.IPv4Address);
    expect(addresses).toHaveLength(5);
    expect(new Set(addresses).size).toBe(5);
    expect(addresses.sort()).toEqual(['172.18.0.2/16', '172.18.0.3/16', '172.18.0.4/16', '172.18.0.5/16', '172.18.0.6/16']);
    const ls = JSON.parse((await spawnNslab(['--json', 'docker', 'network', 'ls'], env)).out) as { Name: string }[];
    expect(ls.map((n) => n.Name)).toEqual(['bridge', 'cnet', 'host', 'none', 'other']);
    // Every container's namespace is one the engine knows: none was built beside the record.
    expect(namespacesOf(engine).map((n) => n.slice(`nslab-${engine}-`.length)).sort()).toEqual(['busybox1', 'busybox2', 'busybox3', 'cc-api-1', 'cc-cache-1', 'host', 'wan']);
    const v = await spawnNslab(['verify', engine, '--json'], env);
    expect(failed((JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes)).toEqual([]);

    // A reset racing a run: one goes first, the other after it, and nothing is left either way.
    const [reset, late] = await Promise.all([spawnNslab(['docker', 'reset'], env), spawnNslab(['docker', '-q', 'run', '-d', 'busybox'], env)]);
    expect(reset.code).toBe(0);
    expect(late.code).toBe(0);
    expect((await spawnNslab(['docker', 'reset'], env)).code).toBe(0);
    expect(namespacesOf(engine)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });
});
