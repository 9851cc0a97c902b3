import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCompose, normalizeProjectName } from '../../../src/compose/load.js';
import { composeProject } from '../../../src/compose/project.js';

function file(text: string, dir = 'My Shop'): string {
  const d = join(mkdtempSync(join(tmpdir(), 'nslab-compose-')), dir);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'compose.yaml'), text);
  return join(d, 'compose.yaml');
}

describe('reading a compose file', () => {
  it('names the project as Compose does: -p, else name:, else the directory, normalised', () => {
    expect(normalizeProjectName('My Shop!')).toBe('myshop');
    expect(normalizeProjectName('_x.y-Z')).toBe('xy-z');
    const f = file('services:\n  web:\n    image: nginx\n');
    expect(loadCompose(f).project).toBe('myshop');
    expect(loadCompose(f, 'Other').project).toBe('other');
    expect(loadCompose(file('name: shop2\nservices:\n  web:\n    image: nginx\n')).project).toBe('shop2');
  });

  it('a key the Compose Specification does not allow is an error at its file, line and key', () => {
    const f = file('services:\n  web:\n    image: nginx\n    portz: ["80"]\n');
    expect(() => loadCompose(f)).toThrow(/compose\.yaml:4: services\.web\.portz: additional property portz is not allowed/);
  });

  it('bad YAML is an error at its line', () => {
    expect(() => loadCompose(file('services:\n  web:\n    image: [nginx\n'))).toThrow(/compose\.yaml:\d+: /);
  });

  it('keys with no network meaning are listed once, not refused', () => {
    const f = file('services:\n  db:\n    image: postgres\n    environment: {A: b}\n    volumes: ["d:/var/lib"]\n    healthcheck: {test: ["CMD", "true"]}\nvolumes:\n  d: {}\n');
    expect(loadCompose(f).ignored).toEqual(['environment', 'healthcheck', 'volumes']);
  });
});

describe('the project in Docker terms', () => {
  it("command:, tty: and stdin_open: are what the container runs: a string split as a shell would, a list as given", () => {
    const f = file('services:\n  a:\n    image: busybox\n    command: sh -c "sleep infinity"\n  b:\n    image: alpine\n    command: [sleep, "60"]\n  c:\n    image: alpine\n    tty: true\n    stdin_open: true\n');
    const [a, b, c] = composeProject(loadCompose(f)).services;
    expect(a!.command).toEqual(['sh', '-c', 'sleep infinity']);
    expect(b!.command).toEqual(['sleep', '60']);
    expect([c!.command, c!.tty, c!.interactive]).toEqual([undefined, true, true]);
    expect(loadCompose(f).ignored).toEqual([]);
  });

  const shop = composeProject(
    loadCompose(
      file(`services:
  web:
    image: nginx
    ports: ["8080:80", "127.0.0.1:9000-9001:9000-9001/udp", {target: 443, published: 8443}]
    depends_on: [api]
    networks: [front]
  api:
    build: .
    expose: ["3000"]
    depends_on:
      db: {condition: service_started}
    networks:
      front: {}
      back: {aliases: [backend], ipv4_address: 172.30.0.20}
  db:
    image: postgres
    container_name: database
    networks: [back]
networks:
  front: {}
  back:
    ipam: {config: [{subnet: 172.30.0.0/24}]}
  legacy:
    external: true
    name: oldnet
`),
    ),
  );

  it('networks are <project>_<key>, unless name: or external: say otherwise', () => {
    expect(shop.networks.map((n) => [n.key, n.name, n.external, n.subnet ?? null])).toEqual([
      ['front', 'myshop_front', false, null],
      ['back', 'myshop_back', false, '172.30.0.0/24'],
      ['legacy', 'oldnet', true, null],
    ]);
  });

  it('containers start in depends_on order, named <project>-<service>-1 unless container_name', () => {
    expect(shop.services.map((s) => s.container)).toEqual(['database', 'myshop-api-1', 'myshop-web-1']);
  });

  it('each network is joined with the service name as an alias, plus its own aliases and address', () => {
    const api = shop.services.find((s) => s.service === 'api')!;
    expect(api.attachments).toEqual([
      { network: 'myshop_back', aliases: ['api', 'backend'], ip: '172.30.0.20' },
      { network: 'myshop_front', aliases: ['api'], ip: undefined },
    ]);
    expect(api.image).toBe('api');
    expect(api.expose).toEqual([{ port: 3000, protocol: 'tcp' }]);
  });

  it('ports: short and long syntax, host IPs, ranges and udp', () => {
    const web = shop.services.find((s) => s.service === 'web')!;
    expect(web.publish).toEqual([
      { protocol: 'tcp', hostPort: 8080, containerPort: 80 },
      { protocol: 'udp', hostPort: 9000, containerPort: 9000, hostIp: '127.0.0.1' },
      { protocol: 'udp', hostPort: 9001, containerPort: 9001, hostIp: '127.0.0.1' },
      { protocol: 'tcp', hostPort: 8443, containerPort: 443 },
    ]);
  });

  it('refuses an undefined network, a dependency circle, and a driver the sandbox does not build', () => {
    const load = (t: string) => composeProject(loadCompose(file(t)));
    expect(() => load('services:\n  a:\n    image: x\n    networks: [nope]\n')).toThrow('service a refers to undefined network nope');
    expect(() => load('services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n')).toThrow('services depend on each other in a circle: a -> b -> a');
    expect(() => load('services:\n  a:\n    image: x\nnetworks:\n  default:\n    driver: overlay\n')).toThrow('network default: driver overlay is not one the sandbox builds');
  });

  it('network_mode: service:X becomes container:<X container> and starts after X; host, none and bridge pass as they are; no default network for them', () => {
    const p = composeProject(
      loadCompose(
        file('services:\n  side:\n    image: redis\n    network_mode: service:web\n  web:\n    image: nginx\n  h:\n    image: x\n    network_mode: host\n  n:\n    image: x\n    network_mode: none\n  b:\n    image: x\n    network_mode: bridge\n', 'modes'),
      ),
    );
    expect(p.services.map((s) => `${s.service} ${s.networkMode ?? s.attachments.map((a) => a.network).join(',')}`)).toEqual(['web modes_default', 'side container:modes-web-1', 'h host', 'n none', 'b bridge']);
    const only = composeProject(loadCompose(file('services:\n  h:\n    image: x\n    network_mode: host\n', 'hostonly')));
    expect(only.networks).toEqual([]);
  });

  it('a macvlan network takes its parent and ip_range from the file', () => {
    const p = composeProject(loadCompose(file('services:\n  a:\n    image: x\n    networks: [lan]\nnetworks:\n  lan:\n    driver: macvlan\n    driver_opts: {parent: eth0}\n    ipam:\n      config: [{subnet: 198.51.100.0/24, gateway: 198.51.100.1, ip_range: 198.51.100.64/28}]\n', 'mv')));
    expect(p.networks[0]).toMatchObject({ name: 'mv_lan', driver: 'macvlan', parent: 'eth0', subnet: '198.51.100.0/24', ipRange: '198.51.100.64/28' });
    expect(() => composeProject(loadCompose(file('services:\n  a:\n    image: x\nnetworks:\n  default:\n    driver_opts: {parent: eth0}\n', 'mv2')))).toThrow('driver option "parent" is not one nslab rebuilds for the bridge driver');
  });
});
