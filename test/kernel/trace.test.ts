import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceResult } from '../../src/trace/trace.js';
import { cli, isolateState, requireKernel, uniqueName } from './support.js';

const inNs = (ns: string, ...argv: string[]) => execFileSync('ip', ['netns', 'exec', ns, ...argv], { stdio: 'pipe' });

/** tcpdump processes whose network namespace is one of `names`: what a trace must not leave. */
function capturesIn(names: readonly string[]): number[] {
  const inode = (p: string) => {
    try {
      return statSync(p).ino;
    } catch {
      return undefined;
    }
  };
  const wanted = new Set(names.map((n) => inode(`/run/netns/${n}`)).filter((i) => i !== undefined));
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/exe`).endsWith('/tcpdump') && wanted.has(inode(`/proc/${pid}/ns/net`)!);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function traced(...argv: string[]): Promise<{ code: number; result: TraceResult; out: string }> {
  const r = await cli('trace', ...argv, '--json');
  return { code: r.code, result: JSON.parse(r.out) as TraceResult, out: r.out };
}

describe('trace: one real packet, captured in every namespace', () => {
  const dock = uniqueName('trd');
  const ports = uniqueName('trp');
  const host = `nslab-${dock}-host`;
  const labNs = () => readdirSync('/run/netns').filter((n) => n.startsWith(`nslab-${dock}-`) || n.startsWith(`nslab-${ports}-`));

  beforeAll(async () => {
    requireKernel();
    isolateState();
    expect((await cli('up', 'docker0', '--name', dock)).code).toBe(0);
    expect((await cli('up', 'ports', '--name', ports)).code).toBe(0);
  });

  afterAll(async () => {
    await cli('down', dock);
    await cli('down', ports);
  });

  it('docker0: c1 -> 203.0.113.10 leaves c1 as 172.17.0.2 on docker0 and is 198.51.100.2 on the uplink and in wan, by the MASQUERADE rule', async () => {
    const svg = join(tmpdir(), `${dock}-trace.svg`);
    const { code, result } = await traced(dock, 'c1', '203.0.113.10', '--svg', svg);
    expect(code).toBe(0);
    expect(result.arrived).toBe(true);
    expect(result.lost).toBeUndefined();
    const at = (node: string, iface: string, direction: string) => result.request.find((h) => h.node === node && h.iface === iface && h.direction === direction);
    expect(at('host', 'docker0', 'in')).toMatchObject({ src: '172.17.0.2', dst: '203.0.113.10' });
    expect(at('host', 'eth0', 'out')).toMatchObject({ src: '198.51.100.2', rewrite: { kind: 'MASQUERADE', change: 'src 172.17.0.2 -> 198.51.100.2', rule: 'nat POSTROUTING, rule 1', by: 'rule counters' } });
    expect(at('wan', 'eth0', 'in')).toMatchObject({ src: '198.51.100.2' });
    // The reply comes back to c1, un-masqueraded by conntrack.
    expect(result.reply.at(-1)).toMatchObject({ node: 'c1', iface: 'eth0', direction: 'in', dst: '172.17.0.2' });
    expect(result.reply.some((h) => h.rewrite?.by === 'conntrack')).toBe(true);
    // The picture has the path: c1's veth, the MASQUERADE arrow and the uplink carry hop numbers.
    const drawn = readFileSync(svg, 'utf8');
    const hopsOn = (kind: string) => [...drawn.matchAll(new RegExp(`data-kind="${kind}"[^>]*data-hops="([^"]*)"`, 'g'))].map((m) => m[1]);
    expect(hopsOn('veth').length).toBeGreaterThanOrEqual(2);
    expect(hopsOn('masquerade')).toHaveLength(1);
    expect(capturesIn(labNs())).toEqual([]);
  });

  it('ports: wan -> 198.51.100.2:8080 is DNATed to 172.17.0.2:80 and reaches web', async () => {
    const { code, result } = await traced(ports, 'wan', '198.51.100.2', '--port', '8080');
    expect(code).toBe(0);
    expect(result.arrived).toBe(true);
    const dnat = result.request.find((h) => h.rewrite);
    expect(dnat).toMatchObject({ node: 'host', dst: '172.17.0.2', dport: 80, rewrite: { kind: 'DNAT', change: 'dst 198.51.100.2:8080 -> 172.17.0.2:80', by: 'rule counters' } });
    expect(result.request.at(-1)).toMatchObject({ node: 'web', iface: 'eth0', direction: 'in' });
    expect(result.reply.some((h) => h.rewrite?.kind === 'un-DNAT')).toBe(true);
    expect(capturesIn(labNs())).toEqual([]);
  });

  it('ip_forward off by hand: the packet is last seen in the host, and the host forwarding is named, with why\'s fix', async () => {
    inNs(host, 'sysctl', '-qw', 'net.ipv4.ip_forward=0');
    try {
      const { code, result, out } = await traced(dock, 'c1', '203.0.113.10');
      expect(code).toBe(1);
      expect(result.arrived).toBe(false);
      expect(result.lost!.lastSeen).toMatchObject({ node: 'host', iface: 'docker0', direction: 'in' });
      expect(result.lost!.next).toBe('host eth0 out');
      expect(result.lost!.reason).toMatchObject({ at: 'host', fix: `ip netns exec ${host} sysctl -w net.ipv4.ip_forward=1` });
      expect(result.lost!.reason!.what).toContain('forwarding is off');
      const why = JSON.parse((await cli('why', dock, 'c1', '203.0.113.10', '--json')).out) as { broken: { fix: string } };
      expect(why.broken.fix).toBe(JSON.parse(out).lost.reason.fix);
    } finally {
      inNs(host, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    }
  });

  it('a DROP rule inserted by hand: named, with the packets it dropped', async () => {
    inNs(host, 'iptables', '-I', 'FORWARD', '-i', 'docker0', '-o', 'eth0', '-j', 'DROP');
    try {
      const { code, result } = await traced(dock, 'c1', '203.0.113.10');
      expect(code).toBe(1);
      expect(result.lost!.lastSeen).toMatchObject({ node: 'host', iface: 'docker0' });
      expect(result.lost!.reason!.what).toMatch(/iptables FORWARD rule `-i docker0 -o eth0 -j DROP` drops docker0 -> eth0 \([1-9]\d* packets so far\)/);
      expect(result.lost!.reason!.fix).toBe(`ip netns exec ${host} iptables -D FORWARD -i docker0 -o eth0 -j DROP`);
    } finally {
      inNs(host, 'iptables', '-D', 'FORWARD', '-i', 'docker0', '-o', 'eth0', '-j', 'DROP');
    }
  });

  it("c1's eth0 set down: the packet never leaves c1, and eth0 is named", async () => {
    const c1 = `nslab-${dock}-c1`;
    execFileSync('ip', ['-n', c1, 'link', 'set', 'eth0', 'down']);
    try {
      const { code, result } = await traced(dock, 'c1', '203.0.113.10');
      expect(code).toBe(1);
      expect(result.request).toEqual([]);
      expect(result.lost!.reason).toMatchObject({ at: 'c1', fix: `ip -n ${c1} link set dev eth0 up` });
      expect(result.lost!.reason!.what).toContain('eth0 is down');
    } finally {
      // Down took the default route with it: up alone does not bring it back.
      execFileSync('ip', ['-n', c1, 'link', 'set', 'eth0', 'up']);
      execFileSync('ip', ['-n', c1, 'route', 'replace', 'default', 'via', '172.17.0.1']);
    }
    expect((await traced(dock, 'c1', '203.0.113.10')).result.arrived).toBe(true);
  });

  it('why --port ends with a real TCP connection: connected to the published port, refused where nothing is published', async () => {
    const open = JSON.parse((await cli('why', ports, 'wan', '198.51.100.2', '--port', '8080', '--json')).out) as { connect: { reached: boolean; detail: string } };
    expect(open.connect).toMatchObject({ reached: true, detail: expect.stringMatching(/^connected/) });
    const shut = JSON.parse((await cli('why', ports, 'wan', '198.51.100.2', '--port', '8081', '--json')).out) as { connect: { reached: boolean; detail: string } };
    expect(shut.connect).toMatchObject({ reached: false, detail: expect.stringContaining('ECONNREFUSED') });
  });

  it('an address nobody on the bridge holds: the unanswered ARP is named from the neighbour table, by trace and why alike', async () => {
    const { code, result } = await traced(ports, 'web', '172.17.0.99');
    expect(code).toBe(1);
    expect(result.request).toEqual([]);
    expect(result.lost!.reason!.what).toMatch(/ARP for 172\.17\.0\.99 on eth0 went unanswered \(neighbour table: (FAILED|INCOMPLETE)\)/);
    const why = JSON.parse((await cli('why', ports, 'web', '172.17.0.99', '--json')).out) as { broken: { what: string } };
    expect(why.broken.what).toMatch(/ARP for 172\.17\.0\.99 on eth0 went unanswered/);
  });

  it('bad input: an unknown node, and a UDP trace without a port, are refused before anything runs', async () => {
    const bad = await cli('trace', dock, 'nosuch', '203.0.113.10');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('has no node "nosuch"');
    const udp = await cli('trace', dock, 'c1', '203.0.113.10', '--udp');
    expect(udp.code).not.toBe(0);
    expect(capturesIn(labNs())).toEqual([]);
  });

  it.each([
    ['dns', /DNAT: dst 127\.0\.0\.11:53 -> 127\.0\.0\.11:\d+ \(nat DOCKER_OUTPUT, rule \d+\)/, /Probe: answered \(db is 172\.18\.0\.\d+\)/],
    ['overlay', /host1 eth0 out +198\.51\.100\.2:\d+ > 198\.51\.100\.3:4789 +VXLAN vni 4096 \[10\.0\.0\.2 > 10\.0\.0\.3\] echo request/, /arrived at c2/],
    ['connect', /dropped by host: raw PREROUTING rule \d+ `-d 172\.18\.0\.2\/32 ! -i br-[0-9a-f]{12} -j DROP` \(1 packet during the trace\)/, /why: host: raw PREROUTING rule/],
  ])('guided lab %s ends with its trace', async (id, rewrite, outcome) => {
    const name = uniqueName(`tg${id.slice(0, 2)}`);
    try {
      const r = await cli('lab', id, '--yes', '--name', name);
      expect(r.code).toBe(0);
      const shown = r.out.slice(r.out.indexOf('One packet, watched in every namespace:'));
      expect(shown).toContain(`nslab trace ${name} `);
      expect(shown).toMatch(rewrite);
      expect(shown).toMatch(outcome);
    } finally {
      await cli('down', name);
    }
  });
});
