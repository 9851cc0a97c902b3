import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, failed, labState, namespacesOf, sandboxSuite, type Outcome } from './support.js';

// Compose files on the sandbox engine: several networks, static addresses, aliases and
// ports proven by packets, the rename of the first article, and a file that fails
// validation changing nothing.


const SHOP = `services:
  web:
    image: nginx
    ports: ["8080:80"]
    depends_on: [api]
    networks: [front]
  api:
    build: .
    expose: ["3000"]
    depends_on: [db]
    networks:
      front: {}
      back:
        aliases: [backend]
  db:
    image: postgres
    environment: {POSTGRES_PASSWORD: example}
    networks:
      back:
        ipv4_address: 172.30.0.10
networks:
  front: {}
  back:
    ipam:
      config: [{subnet: 172.30.0.0/24}]
`;

const INCIDENT = `services:
  app:
    build: .
    expose: ["8000"]
    depends_on: [cache]
  cache:
    image: redis
`;

const MODES = `services:
  web:
    image: nginx
    ports: ["8081:80", "127.0.0.1:8085:80"]
  sidecar:
    image: redis
    network_mode: service:web
  agent:
    image: httpd
    network_mode: host
    ports: ["9000:80"]
    expose: ["9000"]
  batch:
    image: alpine
    command: sleep infinity
    network_mode: none
  legacy:
    image: mysql
    network_mode: bridge
  legacy2:
    image: busybox
    command: sleep infinity
    network_mode: bridge
`;

function project(dir: string, text: string): string {
  const d = join(mkdtempSync(join(tmpdir(), 'nslab-compose-')), dir);
  mkdirSync(d);
  writeFileSync(join(d, 'compose.yaml'), text);
  return join(d, 'compose.yaml');
}

describe('nslab compose on the sandbox engine', () => {
  const { engine } = sandboxSuite('dc');

  it('two networks, a static address, an alias and a published port: up, then verify proves the matrix by packets', async () => {
    const f = project('shop', SHOP);
    const up = await cli('compose', '-f', f, '--quiet', 'up');
    expect(up.err).toBe('ignored (no network meaning): environment\n');
    expect(up.out).toBe('Network shop_front  Created\nNetwork shop_back  Created\nContainer shop-db-1  Started\nContainer shop-api-1  Started\nContainer shop-web-1  Started\n');
    const ps = JSON.parse((await cli('--json', 'compose', '-f', f, 'ps')).out) as { Name: string; Networks: string }[];
    expect(ps.map((r) => `${r.Name}: ${r.Networks}`)).toEqual(['shop-db-1: shop_back 172.30.0.10', 'shop-api-1: shop_back 172.30.0.2, shop_front 172.18.0.2', 'shop-web-1: shop_front 172.18.0.3']);

    const v = await cli('--json', 'compose', '-f', f, 'verify');
    const outcomes = (JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes;
    expect(failed(outcomes)).toEqual([]);
    const titles = outcomes.map((o) => o.title);
    // api is on both networks: it reaches web (front) and db (back), by service name; web reaches api's alias only where they share a network.
    expect(titles).toContain('api -> web:80 (service name, on shop_front)');
    expect(titles).toContain('api -> db:5432 (service name, on shop_back)');
    expect(titles).toContain('db -> backend:3000 (alias)');
    expect(titles).toContain('web -> db at 172.30.0.10 (no shared network)');
    expect(titles).toContain('internet -> 198.51.100.2:8080 answers as shop-web-1 (-p 8080:80)');
    expect(titles).toContain('host -> 198.51.100.2:8080 answers as shop-web-1 (-p 8080:80)');
    expect(v.code).toBe(0);
    // The text output leads with the matrix.
    expect((await cli('compose', '-f', f, 'verify')).out).toMatch(/^from \\ to {2}db {9}api {8}web {8}\ndb {9}- {10}ok {9}blocked/);
    // The compose project is on the same engine as nslab docker.
    expect((JSON.parse((await cli('--json', 'docker', 'ps')).out) as { Names: string }[]).map((r) => r.Names).sort()).toEqual(['shop-api-1', 'shop-db-1', 'shop-web-1']);
  });

  it("the first article's rename: the same file under a new project name gets its own network on the next pool", async () => {
    const f = project('project', INCIDENT);
    expect((await cli('compose', '-f', f, '--quiet', 'up')).code).toBe(0);
    expect((await cli('compose', '-f', f, '--quiet', '-p', 'renamed', 'up')).code).toBe(0);
    const ls = JSON.parse((await cli('--json', 'docker', 'network', 'ls')).out) as { Name: string }[];
    expect(ls.map((n) => n.Name)).toEqual(['bridge', 'host', 'none', 'project_default', 'renamed_default', 'shop_back', 'shop_front']);
    const inspect = JSON.parse((await cli('docker', 'network', 'inspect', 'project_default', 'renamed_default')).out) as { IPAM: { Config: { Subnet: string }[] } }[];
    // shop took 172.18 (front); the pools go on in Docker's order.
    expect(inspect.map((n) => n.IPAM.Config[0]!.Subnet)).toEqual(['172.19.0.0/16', '172.20.0.0/16']);
    for (const p of ['project', 'renamed']) {
      const v = await cli('--json', 'compose', '-f', f, '-p', p, 'verify');
      expect(failed((JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes)).toEqual([]);
    }
    const down = await cli('compose', '-f', f, '--quiet', '-p', 'renamed', 'down');
    expect(down.out).toBe('Container renamed-app-1  Removed\nContainer renamed-cache-1  Removed\nNetwork renamed_default  Removed\n');
    expect(namespacesOf(engine)).not.toContain(`nslab-${engine}-renamed-app-1`);
  });

  it.each([
    { title: 'a key the specification does not allow', text: 'services:\n  web:\n    image: nginx\n    portz: ["80"]\n', error: /compose\.yaml:4: services\.web\.portz: additional property portz is not allowed/ },
    { title: 'a port already allocated', text: 'services:\n  other:\n    image: nginx\n    ports: ["8080:80"]\n', error: /^nslab: (failed to set up container networking: )?driver failed programming external connectivity on endpoint bad-other-1 \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated/ },
    { title: 'a subnet overlapping a network', text: 'services:\n  x:\n    image: nginx\nnetworks:\n  default:\n    ipam:\n      config: [{subnet: 172.30.0.0/16}]\n', error: /^nslab: invalid pool request: Pool overlaps with other one on this address space/ },
    { title: 'network_mode and networks together', text: 'services:\n  x:\n    image: nginx\n    network_mode: host\n    networks: [default]\n', error: /^nslab: service x declares mutually exclusive `network_mode` and `networks`/ },
    { title: 'network_mode of a service that does not exist', text: 'services:\n  x:\n    image: nginx\n    network_mode: service:nobody\n', error: /^nslab: service x depends on undefined service nobody/ },
    { title: 'an external network that does not exist', text: 'services:\n  x:\n    image: nginx\n    networks: [ext]\nnetworks:\n  ext:\n    external: true\n', error: /^nslab: network ext declared as external, but could not be found/ },
  ])('$title: one line, exit non-zero, nothing changed', async ({ text, error }) => {
    const state = labState(engine);
    const r = await cli('compose', '-f', project('bad', text), 'up');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/^nslab: [^\n]+ \([^\n]+\)\n$/m);
    expect(r.err).toMatch(error);
    expect(labState(engine)).toEqual(state);
  });

  it('network_mode host, none, bridge and service:web: each proven by what its mode gives; down and up again, twice, leave nothing', async () => {
    const f = project('modes', MODES);
    const up = await cli('compose', '-f', f, '--quiet', 'up');
    expect(up.err).toBe('WARNING: Published ports are discarded when using host network mode\n');
    const ps = JSON.parse((await cli('--json', 'compose', '-f', f, 'ps')).out) as { Service: string; Networks: string; Ports: string }[];
    expect(ps.map((r) => `${r.Service}: ${r.Networks} [${r.Ports}]`)).toEqual([
      expect.stringMatching(/^web: modes_default 172\.\d+\.0\.2 \[0\.0\.0\.0:8081->80\/tcp, 127\.0\.0\.1:8085->80\/tcp, \[::\]:8081->80\/tcp\]$/),
      'sidecar: container:modes-web-1 []',
      'agent: host []',
      'batch: none []',
      // Ports the image exposes and nothing publishes, as docker ps shows them.
      'legacy: bridge 172.17.0.2 [3306/tcp, 33060/tcp]',
      'legacy2: bridge 172.17.0.3 []',
    ]);
    const v = await cli('--json', 'compose', '-f', f, 'verify');
    const outcomes = (JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes;
    expect(failed(outcomes)).toEqual([]);
    expect(outcomes.map((o) => o.title)).toEqual(expect.arrayContaining([
      'web -> 127.0.0.1:6379 answers as modes-sidecar-1 (it shares web\'s namespace: one localhost)',
      "internet -> 198.51.100.2:9000 answers as modes-agent-1 (network_mode: host: the host's own port)",
      'batch -> internet 203.0.113.10 (network_mode: none: only lo)',
      'legacy2 -> 172.17.0.2:3306 (address, on bridge: no DNS there)',
      'web -> legacy at 172.17.0.2 (no shared network)',
      // A port bound to 127.0.0.1 answers on the host's loopback, and not from the internet.
      'host -> 127.0.0.1:8085 answers as modes-web-1 (-p 127.0.0.1:8085:80)',
      'internet -> 198.51.100.2:8085 reaches nothing (-p 127.0.0.1:8085:80: bound to 127.0.0.1 only)',
    ]));
    // The matrix has only the services with networks.
    expect((await cli('compose', '-f', f, 'verify')).out).toMatch(/^from \\ to {2}web {8}legacy {5}legacy2 {4}\n/);
    for (let i = 0; i < 2; i++) {
      expect((await cli('compose', '-f', f, '--quiet', 'down')).code).toBe(0);
      expect(namespacesOf(engine).filter((n) => n.includes('modes'))).toEqual([]);
      expect(spawnSync('pgrep', ['-f', 'standin modes-']).status).toBe(1);
      expect((await cli('compose', '-f', f, '--quiet', 'up')).code).toBe(0);
    }
    expect((await cli('compose', '-f', f, '--quiet', 'down')).code).toBe(0);
  });

  it("the first article's incident with the customer's database: --remote 172.19.0.0/24 is reached until the renamed project takes 172.19.0.0/16", async () => {
    await cli('docker', 'reset');
    const f = project('project', INCIDENT);
    expect((await cli('compose', '-f', f, '--quiet', '--remote', '172.19.0.0/24', 'up')).code).toBe(0);
    const before = await cli('--json', 'compose', '-f', f, 'verify');
    const healthy = (JSON.parse(before.out) as { outcomes: Outcome[] }).outcomes;
    expect(failed(healthy)).toEqual([]);
    expect(healthy.map((o) => o.title)).toContain("app -> remote-db 172.19.0.10:5432 (the remote network, through the host's default route)");
    expect((await cli('compose', '-f', f, '--quiet', '-p', 'renamed', 'up')).code).toBe(0);
    const [net] = JSON.parse((await cli('docker', 'network', 'inspect', 'renamed_default')).out) as { IPAM: { Config: { Subnet: string }[] } }[];
    expect(net!.IPAM.Config[0]!.Subnet).toBe('172.19.0.0/16');
    // Every container lost the database: the new bridge's route is more specific than the default route.
    for (const p of ['project', 'renamed']) {
      const after = await cli('--json', 'compose', '-f', f, '-p', p, 'verify');
      expect(after.code).toBe(1);
      expect(failed((JSON.parse(after.out) as { outcomes: Outcome[] }).outcomes).map((o) => o.split(':')[0])).toEqual([
        `cache -> remote-db 172.19.0.10`,
        `app -> remote-db 172.19.0.10`,
      ]);
    }
    expect(execFileSync('ip', ['-n', `nslab-${engine}-host`, 'route', 'get', '172.19.0.10'], { encoding: 'utf8' })).toMatch(/^172\.19\.0\.10 dev br-[0-9a-f]{12} /);
    // Taking the renamed project down gives the database back.
    expect((await cli('compose', '-f', f, '--quiet', '-p', 'renamed', 'down')).code).toBe(0);
    expect((await cli('compose', '-f', f, 'verify')).code).toBe(0);
  });
});
