import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli, failed, labState, namespacesOf, rootSnapshot, sandboxSuite, type Outcome } from './support.js';

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
    expect(created.out).toMatch(new RegExp(`\\nip -n nslab-${engine}-host addr add 172\\.18\\.0\\.1/16 dev br-[0-9a-f]{12}\\n`));
    expect(created.out).toMatch(/\n[0-9a-f]{64}\n$/);
    expect((await cli('docker', 'run', '-d', '--net', 'my_bridge', '--name', 'db', 'redis', '-q')).code).toBe(0);
    expect((await cli('docker', 'run', '-d', '--name', 'web', 'nginx', '-q')).code).toBe(0);

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

    const ps = await cli('docker', 'ps', '--json');
    expect((JSON.parse(ps.out) as { names: string; image: string }[]).map((r) => `${r.names} ${r.image}`)).toEqual(['db redis', 'web nginx']);
    // The sandbox is a lab like any other: verify checks it by packets.
    const v = await cli('verify', engine, '--json');
    expect(failed((JSON.parse(v.out) as { outcomes: Outcome[] }).outcomes)).toEqual([]);
    expect(v.code).toBe(0);
  });

  it('-p 8080:80: the internet reaches the stand-in at the host address; port lists it; rm frees the port', async () => {
    expect((await cli('docker', 'run', '-d', '--name', 'app', '-p', '8080:80', 'nginx', '-q')).code).toBe(0);
    expect(answerFromInternet('198.51.100.2', 8080).stdout).toBe('app\n');
    expect((await cli('docker', 'port', 'app')).out).toBe('80/tcp -> 0.0.0.0:8080\n');
    expect((await cli('docker', 'rm', '-f', 'app', '-q')).code).toBe(0);
    expect(namespacesOf(engine)).not.toContain(ns('app'));
    expect(answerFromInternet('198.51.100.2', 8080).status).not.toBe(0);
    expect((await cli('docker', 'run', '-d', '--name', 'app2', '-p', '8080:80', 'httpd', '-q')).code).toBe(0);
    expect(answerFromInternet('198.51.100.2', 8080).stdout).toBe('app2\n');
  });

  it.each([
    { argv: ['network', 'create', 'my_bridge'], error: /^nslab: network with name my_bridge already exists/ },
    { argv: ['run', '--name', 'web', 'nginx'], error: /^nslab: Conflict\. The container name "\/web" is already in use/ },
    { argv: ['run', '--name', 'app3', '-p', '8080:80', 'nginx'], error: /^nslab: Bind for 0\.0\.0\.0:8080 failed: port is already allocated/ },
    { argv: ['run', '--net', 'nope', '--name', 'x', 'busybox'], error: /^nslab: network nope not found/ },
    { argv: ['network', 'create', '--subnet', '172.18.5.0/24', 'other'], error: /^nslab: Pool overlaps with other one on this address space/ },
    { argv: ['run', '--name', 'a;reboot', 'nginx'], error: /^nslab: Invalid container name \(a;reboot\)/ },
    { argv: ['network', 'rm', 'my_bridge'], error: /^nslab: error while removing network: network my_bridge has active endpoints \(db, web\)/ },
    { argv: ['network', 'connect', 'my_bridge', 'nobody'], error: /^nslab: No such container: nobody/ },
    { argv: ['run', '--name', 'x', '-p', '70000:80', 'nginx'], error: /^nslab: host port "70000" is out of range/ },
    { argv: ['--docker', '27', 'run', '--name', 'x', 'nginx'], error: /^nslab: the sandbox engine runs Docker 29 \(iptables\), not Docker 27 \(iptables\)/ },
  ])('nslab docker $argv.0 $argv.1 ...: Docker\'s error in one line, nothing changed', async ({ argv, error }) => {
    const state = labState(engine);
    const r = await cli('docker', ...argv);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/^nslab: [^\n]+ \([^\n]+\)\n$/);
    expect(r.err).toMatch(error);
    expect(labState(engine)).toEqual(state);
  });

  it('reset removes the engine and everything on it', async () => {
    expect((await cli('docker', 'reset')).out).toBe('the sandbox engine and everything on it are removed\n');
    expect(namespacesOf(engine)).toEqual([]);
    expect(rootSnapshot()).toEqual(suite.before());
    expect((await cli('docker', 'ps', '--json')).out).toBe('[]\n');
  });
});
