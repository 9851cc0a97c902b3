import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCompose } from '../../../src/compose/load.js';
import { composeProject, upCommands } from '../../../src/compose/project.js';
import { composeChecks } from '../../../src/compose/verify.js';
import { applyCommand, dockerLine, unusedNetworks, type ContainerRecord, type DockerCommand } from '../../../src/docker/commands.js';
import { Engine } from '../../../src/docker/engine.js';
import { parsePortSpec } from '../../../src/docker/port-spec.js';
import { resolveProfile, type DockerVersion } from '../../../src/docker/profile.js';
import { renderCmd } from '../../../src/exec/command.js';

// The docker commands `nslab docker` and compose send, applied to an Engine without a kernel:
// what each becomes, what Docker decides around it, and what compose verify then promises.

function engine(docker: DockerVersion = '28'): Engine {
  const e = new Engine({ lab: 'cmd', hostNs: 'nslab-cmd-host', profile: resolveProfile({ docker }), tools: { brctl: false }, stateDir: '/run/nslab/labs/cmd' });
  e.start();
  return e;
}

function apply(e: Engine, containers: Map<string, ContainerRecord>, ...commands: DockerCommand[]): string[] {
  return commands.flatMap((c) => applyCommand(e, c, containers)).map((op) => renderCmd(op.cmd));
}

describe('docker commands on the Engine', () => {
  it('a run starts the stand-in for its image on each port it serves, and rm stops it first', () => {
    const e = engine();
    const containers = new Map<string, ContainerRecord>();
    const ran = apply(e, containers, { kind: 'run', name: 'web', image: 'nginx', publish: parsePortSpec('8080:80') });
    expect(ran.filter((l) => l.includes('standin'))).toEqual([expect.stringMatching(/^ip netns exec nslab-cmd-web .* standin web 80\/tcp$/)]);
    expect(containers.get('web')).toMatchObject({ state: 'running', publish: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }], exposed: ['80/tcp'] });
    expect(apply(e, containers, { kind: 'rm', name: 'web' })[0]).toMatch(/agent\.mjs stop \S+\/pids\/service-web\.pid$/);
    expect(containers.has('web')).toBe(false);
  });

  it("a host port someone holds leaves the container created, with the daemon's words per version", () => {
    for (const [docker, words] of [
      ['27', /^driver failed programming external connectivity on endpoint b \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated\.$/],
      ['28', /^failed to set up container networking: driver failed programming external connectivity on endpoint b \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated$/],
    ] as const) {
      const e = engine(docker);
      const containers = new Map<string, ContainerRecord>();
      apply(e, containers, { kind: 'run', name: 'a', image: 'nginx', publish: parsePortSpec('8080:80') });
      expect(apply(e, containers, { kind: 'run', name: 'b', image: 'nginx', publish: parsePortSpec('8080:80') })).toEqual([]);
      expect(containers.get('b')).toMatchObject({ state: 'created', error: expect.stringMatching(words) });
      expect(e.sandboxes.has('b')).toBe(false);
    }
  });

  it('a shell with no terminal and no stdin exits at once; with -t it runs', () => {
    const e = engine();
    const containers = new Map<string, ContainerRecord>();
    expect(apply(e, containers, { kind: 'run', name: 'sh1', image: 'busybox' })).toEqual([]);
    expect(containers.get('sh1')?.state).toBe('exited');
    expect(apply(e, containers, { kind: 'run', name: 'sh2', image: 'busybox', tty: true }).length).toBeGreaterThan(0);
    expect(containers.get('sh2')?.state).toBe('running');
  });

  it('network prune removes every user-defined network no container is on, and says the command as typed', () => {
    const e = engine();
    const containers = new Map<string, ContainerRecord>();
    apply(e, containers, { kind: 'network-create', name: 'n1' }, { kind: 'network-create', name: 'n2' }, { kind: 'run', name: 'app', image: 'redis', network: 'n2' });
    expect(unusedNetworks(e)).toEqual(['n1']);
    const pruned = apply(e, containers, { kind: 'network-prune' });
    expect(pruned.at(-1)).toMatch(/^ip -n nslab-cmd-host link del dev br-[0-9a-f]{12}$/);
    expect([...e.networks.keys()]).toEqual(['bridge', 'n2']);
    expect(dockerLine({ kind: 'network-prune' })).toBe('docker network prune -f');
  });

  it('--aux-address holds addresses back from the pool', () => {
    const e = engine();
    const containers = new Map<string, ContainerRecord>();
    apply(e, containers, { kind: 'network-create', name: 'n1', subnet: '10.77.0.0/29', auxAddresses: { router: '10.77.0.2', shim: '10.77.0.3' } }, { kind: 'run', name: 'w1', image: 'redis', network: 'n1' });
    expect(e.sandboxes.get('w1')?.endpoints[0]?.address).toBe('10.77.0.4');
    expect(() => apply(e, containers, { kind: 'network-create', name: 'n2', subnet: '10.78.0.0/24', auxAddresses: { x: '10.99.0.1' } })).toThrow('address 10.99.0.1 is not a usable host address of 10.78.0.0/24');
  });

  it('writes each command back as the articles write it', () => {
    expect(dockerLine({ kind: 'run', name: 'db', image: 'redis', network: 'my_bridge', aliases: ['database'] })).toBe('docker run -d --network my_bridge --network-alias database --name db redis');
    expect(dockerLine({ kind: 'run', name: 'web', image: 'nginx', publish: parsePortSpec('127.0.0.1:8080:80') })).toBe('docker run -d -p 127.0.0.1:8080:80 --name web nginx');
    expect(dockerLine({ kind: 'network-create', name: 'macnet', driver: 'macvlan', subnet: '198.51.100.0/24', auxAddresses: { shim: '198.51.100.78' }, parent: 'eth0' })).toBe(
      'docker network create -d macvlan --subnet 198.51.100.0/24 --aux-address shim=198.51.100.78 -o parent=eth0 macnet',
    );
  });
});

describe('compose verify, from what the Engine started', () => {
  it('promises service names on a shared network, isolation without one, and each bound port', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nslab-cmdtest-')), 'shop');
    mkdirSync(dir);
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  api:\n    image: nginx\n    ports: ["8080:80"]\n    networks: [front, back]\n  db:\n    image: redis\n    networks: [back]\n  web:\n    image: nginx\n    networks: [front]\nnetworks:\n  front: {}\n  back: {}\n');
    const project = composeProject(loadCompose(join(dir, 'compose.yaml')));
    const e = engine();
    const containers = new Map<string, ContainerRecord>();
    apply(e, containers, ...upCommands(project, e));
    const { pairs, published } = composeChecks(project, e, containers);
    const cell = (from: string, to: string) => pairs.filter((p) => p.from === from && p.to === to).map((p) => `${p.expectation.title}: ${p.expectation.expect}`);
    expect(cell('api', 'db')).toEqual(['api -> db:6379 (service name, on shop_back): reach']);
    expect(cell('web', 'db')).toEqual([expect.stringMatching(/^web -> db at 172\.\d+\.0\.\d+ \(no shared network\): fail$/)]);
    expect(published.map((x) => x.title)).toEqual(['internet -> 198.51.100.2:8080 answers as shop-api-1 (-p 8080:80)', 'host -> 198.51.100.2:8080 answers as shop-api-1 (-p 8080:80)']);
  });
});
