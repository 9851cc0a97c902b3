import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli, failed, labState, namespacesOf, rootSnapshot, sandboxSuite, spawnNslab, type Outcome } from './support.js';

// Its own engine: a learner's `docker` sandbox on this machine is left alone.
const suite = sandboxSuite('dk');
const { engine } = suite;

// `nslab docker ...` as a learner types it: the second article's story, published ports
// proven from the internet, and Docker's own errors, each changing nothing.

const ns = (ctr: string) => `nslab-${engine}-${ctr}`;
const pingFrom = (ctr: string, to: string) => spawnSync('ip', ['netns', 'exec', ns(ctr), 'ping', '-c1', '-W1', to], { encoding: 'utf8' });
/** What a TCP service at to:port answers, read from the internet namespace. */
const answerFromInternet = (to: string, port: number) =>
  spawnSync('ip', ['netns', 'exec', ns('wan'), 'timeout', '5', 'bash', '-c', `exec 3<>/dev/tcp/${to}/${port} && cat <&3`], { encoding: 'utf8', timeout: 10_000 });

describe('nslab docker: your own docker host, by typed commands', () => {

  it('the second article: db on my_bridge, web on the default bridge cannot reach it; connect gives web eth1 and db by name; inspect shows both', async () => {
    const created = await cli('docker', 'network', 'create', 'my_bridge');
    expect(created.err).toBe('');
    expect(created.out).toMatch(/^# docker network create my_bridge\n/);
    expect(created.out).toMatch(new RegExp(`\\nip -n nslab-${engine}-host addr add 172\\.18\\.0\\.1/16 brd \\+ dev br-[0-9a-f]{12}\\n`));
    expect(created.out).toMatch(/\n[0-9a-f]{64}\n$/);
    expect((await cli('docker', 'run', '-q', '-d', '--net', 'my_bridge', '--name', 'db', 'redis')).code).toBe(0);
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'web', 'nginx')).code).toBe(0);

    expect(pingFrom('web', '172.18.0.2').status).not.toBe(0);
    const connect = await cli('docker', 'network', 'connect', 'my_bridge', 'web');
    expect(connect.out).toMatch(/^# docker network connect my_bridge web\n/);
    expect(execFileSync('ip', ['-n', ns('web'), '-br', '-4', 'addr', 'show', 'dev', 'eth1'], { encoding: 'utf8' })).toMatch(/^eth1@\S+\s+UP\s+172\.18\.0\.3\/16/);
    expect(pingFrom('web', 'db').stdout).toContain('1 received');

    const inspect = await cli('docker', 'network', 'inspect', 'my_bridge');
    const [net] = JSON.parse(inspect.out) as { Name: string; Id: string; IPAM: { Config: { Subnet: string; Gateway: string }[] }; Containers: Record<string, { Name: string; IPv4Address: string }> }[];
    expect(net!.Name).toBe('my_bridge');
    expect(net!.Id).toMatch(/^[0-9a-f]{64}$/);
    expect(net!.IPAM.Config).toEqual([{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }]);
    expect(Object.values(net!.Containers).map((c) => `${c.Name} ${c.IPv4Address}`).sort()).toEqual(['db 172.18.0.2/16', 'web 172.18.0.3/16']);

    const ps = await cli('--json', 'docker', 'ps');
    expect((JSON.parse(ps.out) as { Names: string; Image: string }[]).map((r) => `${r.Names} ${r.Image}`).sort()).toEqual(['db redis', 'web nginx']);
    // The sandbox is a lab like any other: verify checks it by packets.
    const v = await cli('verify', engine, '--json');
    expect(failed((JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes)).toEqual([]);
    expect(v.code).toBe(0);
  });

  it('-p 8080:80: the internet reaches the stand-in at the host address; port lists it; rm frees the port', async () => {
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'app', '-p', '8080:80', 'nginx')).code).toBe(0);
    expect(answerFromInternet('198.51.100.2', 8080).stdout).toBe('app\n');
    expect((await cli('docker', 'port', 'app')).out).toBe('80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n');
    expect((await cli('docker', '-q', 'rm', '-f', 'app')).code).toBe(0);
    expect(namespacesOf(engine)).not.toContain(ns('app'));
    expect(answerFromInternet('198.51.100.2', 8080).status).not.toBe(0);
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'app2', '-p', '8080:80', 'httpd')).code).toBe(0);
    expect(answerFromInternet('198.51.100.2', 8080).stdout).toBe('app2\n');
  });

  it('-p bound to an address answers there only: 127.0.0.1 from the host, not from the internet; the public address and 0.0.0.0 from the internet', async () => {
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'local', '-p', '127.0.0.1:8081:80', 'nginx')).code).toBe(0);
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'public', '-p', '198.51.100.2:8082:80', 'nginx')).code).toBe(0);
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'every', '-p', '0.0.0.0:8083:80', 'nginx')).code).toBe(0);
    expect(answerFromInternet('198.51.100.2', 8081).status).not.toBe(0);
    expect(answerFromInternet('198.51.100.2', 8082).stdout).toBe('public\n');
    expect(answerFromInternet('198.51.100.2', 8083).stdout).toBe('every\n');
    const fromHost = spawnSync('ip', ['netns', 'exec', ns('host'), 'timeout', '5', 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/8081 && cat <&3'], { encoding: 'utf8' });
    expect(fromHost.stdout).toBe('local\n');
    expect((await cli('docker', 'port', 'local')).out).toBe('80/tcp -> 127.0.0.1:8081\n');
    const v = await cli('verify', engine, '--json');
    const outcomes = (JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes;
    expect(failed(outcomes)).toEqual([]);
    expect(outcomes.map((o) => o.title)).toEqual(expect.arrayContaining([
      'host -> 127.0.0.1:8081 answers as local (-p 127.0.0.1:8081:80)',
      'internet -> 198.51.100.2:8081 reaches nothing (-p 127.0.0.1:8081:80: bound to 127.0.0.1 only)',
      'internet -> 198.51.100.2:8082 answers as public (-p 198.51.100.2:8082:80)',
      'internet -> 198.51.100.2:8083 answers as every (-p 0.0.0.0:8083:80)',
    ]));
    expect((await cli('docker', '-q', 'rm', '-f', 'local', 'public', 'every')).code).toBe(0);
  });

  it("the container's command keeps its flags: docker run IMAGE httpd -f -p 80, docker exec NAME ping -c1; nslab's -- still works", async () => {
    const env = { NSLAB_DOCKER_NAME: engine };
    const run = await spawnNslab(['docker', '-q', 'run', '-d', '--name', 'api', '--network', 'my_bridge', '-p', '8090:80', 'busybox', 'httpd', '-f', '-p', '80'], env);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    // busybox's httpd listens on 80: the stand-in answers there, and -p 8090:80 reaches it.
    expect(answerFromInternet('198.51.100.2', 8090).stdout).toBe('api\n');
    const [api] = JSON.parse((await spawnNslab(['docker', 'inspect', 'api'], env)).out) as { Path: string; Args: string[] }[];
    expect([api!.Path, ...api!.Args]).toEqual(['httpd', '-f', '-p', '80']);
    expect((await spawnNslab(['docker', 'ps', '--format', '{{.Names}} {{.Command}}', '--filter', 'name=api'], env)).out).toBe('api "httpd -f -p 80"\n');
    const ping = await spawnNslab(['docker', 'exec', 'api', 'ping', '-c1', '-W1', 'db'], env);
    expect(ping.code).toBe(0);
    expect(ping.out).toMatch(/1 packets transmitted, 1 received/);
    const dashed = await spawnNslab(['docker', 'exec', 'api', '--', 'ip', '-br', '-4', 'addr', 'show', 'dev', 'eth0'], env);
    expect(dashed.out).toMatch(/^eth0@\S+ +UP +172\.18\.0\.\d+\/16/);
    // The command's exit code is docker exec's.
    expect((await spawnNslab(['docker', 'exec', 'api', 'sh', '-c', 'exit 3'], env)).code).toBe(3);
    const [id] = JSON.parse((await spawnNslab(['--json', 'docker', 'ps', '--filter', 'name=api'], env)).out) as { ID: string }[];
    expect((await spawnNslab(['docker', 'exec', id!.ID.slice(0, 6), 'true'], env)).code).toBe(0);
    expect((await spawnNslab(['docker', '-q', 'rm', '-f', 'api'], env)).code).toBe(0);
  });

  it('--network host, none and container:app: the host\'s port without -p, only lo, one localhost; inspect names the mode; rm stops each stand-in', async () => {
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'hostnet', '--network', 'host', 'httpd')).code).toBe(0);
    // Docker's warning, and the port is the host's own: no DNAT, no proxy.
    const warned = await cli('docker', 'run', '-q', '-d', '--name', 'hostnet2', '--network', 'host', '-p', '9090:6379', 'redis');
    expect(warned.err).toBe('WARNING: Published ports are discarded when using host network mode\n');
    expect(answerFromInternet('198.51.100.2', 80).stdout).toBe('hostnet\n');
    expect(answerFromInternet('198.51.100.2', 6379).stdout).toBe('hostnet2\n');
    expect(answerFromInternet('198.51.100.2', 9090).status).not.toBe(0);
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'iso', '--network', 'none', 'alpine', 'sleep', 'infinity')).code).toBe(0);
    expect(execFileSync('ip', ['-n', ns('iso'), '-br', 'link'], { encoding: 'utf8' })).toMatch(/^lo\s+UNKNOWN[^\n]*\n$/);
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'side', '--network', 'container:app2', 'redis')).code).toBe(0);
    // side made no namespace: it listens in app2's, on app2's localhost.
    expect(namespacesOf(engine)).not.toContain(ns('side'));
    const local = spawnSync('ip', ['netns', 'exec', ns('app2'), 'timeout', '5', 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/6379 && cat <&3'], { encoding: 'utf8' });
    expect(local.stdout).toBe('side\n');
    const modes = (JSON.parse((await cli('docker', 'inspect', 'hostnet', 'iso', 'side')).out) as { HostConfig: { NetworkMode: string }; NetworkSettings: { Networks: Record<string, unknown> } }[]).map((c) => [c.HostConfig.NetworkMode, Object.keys(c.NetworkSettings.Networks)]);
    expect(modes).toEqual([['host', ['host']], ['none', ['none']], [expect.stringMatching(/^container:[0-9a-f]{64}$/), []]]);
    expect((JSON.parse((await cli('--json', 'docker', 'network', 'ls')).out) as { Name: string; Driver: string }[]).map((n) => `${n.Name} ${n.Driver}`)).toEqual(['bridge bridge', 'host host', 'my_bridge bridge', 'none null']);
    const v = await cli('verify', engine, '--json');
    const outcomes = (JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes;
    expect(failed(outcomes)).toEqual([]);
    expect(outcomes.map((o) => o.title)).toEqual(expect.arrayContaining([
      "internet -> 198.51.100.2:80 answers as hostnet (--network host: the host's own port)",
      "app2 -> 127.0.0.1:6379 answers as side (it shares app2's namespace: one localhost)",
      'iso -> internet 203.0.113.10 (--network none: only lo)',
    ]));
    // Removing a host or container: container removes no namespace, but its stand-in stops.
    expect((await cli('docker', '-q', 'rm', '-f', 'hostnet', 'hostnet2', 'side', 'iso')).code).toBe(0);
    expect(answerFromInternet('198.51.100.2', 80).status).not.toBe(0);
    expect(namespacesOf(engine)).toContain(ns('host'));
    expect(namespacesOf(engine)).toContain(ns('app2'));
    expect(namespacesOf(engine)).not.toContain(ns('iso'));
    expect(spawnSync('pgrep', ['-f', `standin (hostnet|hostnet2|side|iso) `]).status).toBe(1);
  });

  it('a macvlan network on the uplink: children on the LAN from --ip-range, reached by the router at their own address; inspect from live state', async () => {
    const created = await cli('docker', 'network', 'create', '-d', 'macvlan', '--subnet', '198.51.100.0/24', '--gateway', '198.51.100.1', '--ip-range', '198.51.100.64/28', '-o', 'parent=eth0', 'macnet');
    expect(created.code).toBe(0);
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'm1', '--network', 'macnet', 'nginx')).code).toBe(0);
    expect((await cli('docker', 'run', '-q', '-d', '--name', 'm2', '--network', 'macnet', 'redis')).code).toBe(0);
    const m1 = await cli('docker', 'run', '-d', '--name', 'm3', '--network', 'macnet', '--ip', '198.51.100.70', 'busybox', 'sleep', 'infinity');
    expect(m1.out).toMatch(new RegExp(`\nip -n nslab-${engine}-host link add link eth0 name eth0 address ([0-9a-f]{2}:){5}[0-9a-f]{2} txqueuelen 0 netns nslab-${engine}-m3 type macvlan mode bridge\n`));
    // No rules for a macvlan network: the listing has no iptables line.
    expect(created.out).not.toContain('iptables');
    expect(answerFromInternet('198.51.100.64', 80).stdout).toBe('m1\n');
    expect(pingFrom('m1', 'm2').stdout).toContain('1 received');
    const [net] = JSON.parse((await cli('docker', 'network', 'inspect', 'macnet')).out) as { Driver: string; IPAM: { Config: unknown[] }; Options: Record<string, string>; Containers: Record<string, { Name: string; IPv4Address: string }> }[];
    expect(net!.Driver).toBe('macvlan');
    expect(net!.IPAM.Config).toEqual([{ Subnet: '198.51.100.0/24', IPRange: '198.51.100.64/28', Gateway: '198.51.100.1' }]);
    // As Docker shows them: the -o options given, no more.
    expect(net!.Options).toEqual({ parent: 'eth0' });
    expect(Object.values(net!.Containers).map((c) => `${c.Name} ${c.IPv4Address}`).sort()).toEqual(['m1 198.51.100.64/24', 'm2 198.51.100.65/24', 'm3 198.51.100.70/24']);
    const v = await cli('verify', engine, '--json');
    const outcomes = (JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes;
    expect(failed(outcomes)).toEqual([]);
    expect(outcomes.map((o) => o.title)).toContain('wan -> m1 at 198.51.100.64 (macnet, macvlan: a neighbour on the LAN, no NAT)');
    expect((await cli('docker', '-q', 'rm', '-f', 'm1', 'm2', 'm3')).code).toBe(0);
    expect((await cli('docker', '-q', 'network', 'rm', 'macnet')).code).toBe(0);
    expect(execFileSync('ip', ['-n', ns('host'), '-br', 'link'], { encoding: 'utf8' })).not.toContain('macvlan');
  });

  // Docker 28's CLI words (this engine is Docker 29's): the daemon's refusals as "Error response
  // from daemon: ...", exit 1; run's as "docker: ..." and where to get help, exit 125; nslab's
  // hint on a line of its own after them.
  const daemon = (words: string) => new RegExp(`^Error response from daemon: ${words}`);
  const run = (words: string) => new RegExp(`^docker: (Error response from daemon: )?${words}[^\\n]*\\n\\nRun 'docker run --help' for more information\\n`);
  it.each([
    { argv: ['network', 'create', 'my_bridge'], code: 1, error: daemon('network with name my_bridge already exists') },
    { argv: ['run', '--name', 'web', 'nginx'], code: 125, error: run('Conflict\\. The container name "/web" is already in use by container "[0-9a-f]{64}"') },
    { argv: ['run', '--name', 'app3', '-p', '8080:80', 'nginx'], code: 125, error: /^docker: Error response from daemon: failed to set up container networking: driver failed programming external connectivity on endpoint app3 \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated\n\nRun 'docker run --help' for more information\n/ },
    { argv: ['run', '--net', 'nope', '--name', 'xx', 'busybox'], code: 125, error: run('network nope not found') },
    { argv: ['run', '-d', '-p', '70000:80', '--name', 'xp', 'nginx'], code: 125, error: run('Invalid hostPort: 70000') },
    { argv: ['run', '-d', '-p', '8080-8081:80-82', '--name', 'xq', 'nginx'], code: 125, error: run('Invalid ranges specified for container and host Ports: 80-82 and 8080-8081') },
    { argv: ['network', 'create', '--subnet', '172.18.5.0/24', 'other'], code: 1, error: daemon('invalid pool request: Pool overlaps with other one on this address space') },
    { argv: ['run', '--name', 'a;reboot', 'nginx'], code: 125, error: run('Invalid container name \\(a;reboot\\), only \\[a-zA-Z0-9\\]\\[a-zA-Z0-9_.-\\] are allowed') },
    { argv: ['run', '--name', 'a', 'nginx'], code: 125, error: run('Invalid container name \\(a\\)') },
    { argv: ['network', 'rm', 'my_bridge'], code: 1, error: /^Error response from daemon: error while removing network: network my_bridge has active endpoints \(name:"db" id:"[0-9a-f]{12}", name:"web" id:"[0-9a-f]{12}"\)\n(hint: .*\n)?exit status 1\n$/ },
    { argv: ['network', 'connect', 'my_bridge', 'nobody'], code: 1, error: daemon('No such container: nobody') },
    { argv: ['run', '--name', 'xx', '-p', '70000:80', 'nginx'], code: 125, error: /^docker: Invalid hostPort: 70000\n/ },
    { argv: ['run', '--name', 'xx', '-p', 'abc', 'nginx'], code: 125, error: /^docker: Invalid containerPort: abc\n/ },
    { argv: ['run', '--foo', 'nginx'], code: 125, error: /^unknown flag: --foo\n\nUsage: {2}docker run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]\n\nRun 'docker run --help' for more information\n$/ },
    { argv: ['run'], code: 1, error: /^docker: 'docker run' requires at least 1 argument\n\nUsage: {2}docker run/ },
    { argv: ['exec', 'web'], code: 1, error: /^docker: 'docker exec' requires at least 2 arguments\n/ },
    { argv: ['netork', 'ls'], code: 1, error: /^docker: unknown command: docker netork\n\nRun 'docker --help' for more information\n$/ },
    { argv: ['network', 'nope'], code: 1, error: /^docker: unknown command: docker network nope\n/ },
    { argv: ['--docker', '27', 'run', '--name', 'xx', 'nginx'], code: 125, error: run('the sandbox engine runs Docker 29 \\(iptables\\), not Docker 27 \\(iptables\\)') },
    { argv: ['run', '--name', 'xx', '--network', 'container:app2', '-p', '81:80', 'nginx'], code: 125, error: run('conflicting options: port publishing and the container type network mode') },
    { argv: ['run', '--name', 'xx', '--network', 'none', '--ip', '172.17.0.9', 'nginx'], code: 125, error: run('user specified IP address is supported on user defined networks only') },
    { argv: ['run', '--name', 'xx', '--network', 'container:nobody', 'nginx'], code: 125, error: run('No such container: nobody') },
    { argv: ['run', '--name', 'xx', '--network-alias', 'y', 'nginx'], code: 125, error: /^docker: network-scoped aliases are only supported for user-defined networks\n/ },
    { argv: ['network', 'create', '-d', 'macvlan', 'mv'], code: 1, error: daemon('nslab builds macvlan networks on a parent link only') },
    { argv: ['network', 'create', '-d', 'overlay', 'ov'], code: 1, error: daemon('driver overlay is not one the sandbox builds') },
    { argv: ['network', 'create', '-d', 'macvlan', '-o', 'parent=eth0', '-o', 'macvlan_mode=fast', 'mv'], code: 1, error: daemon('unknown macvlan mode: fast') },
    { argv: ['--remote', '172.19.0.0/24', 'run', '--name', 'xx', 'nginx'], code: 125, error: run('the sandbox engine was created with no remote network') },
    { argv: ['rm', 'web'], code: 1, error: daemon('cannot remove container "web": container is running: stop the container before removing or force remove') },
  ])('nslab docker $argv.0 $argv.1 ...: Docker\'s words and exit code, nothing changed', async ({ argv, code, error }) => {
    const state = labState(engine);
    const r = await cli('docker', ...argv);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(error);
    expect(r.err).not.toMatch(/^nslab: /m);
    expect(labState(engine)).toEqual(state);
  });

  it('reset removes the engine and everything on it', async () => {
    expect((await cli('docker', 'reset')).out).toBe('the sandbox engine and everything on it are removed\n');
    expect(namespacesOf(engine)).toEqual([]);
    expect(rootSnapshot()).toEqual(suite.before());
    expect((await cli('--json', 'docker', 'ps')).out).toBe('[]\n');
  });
});
