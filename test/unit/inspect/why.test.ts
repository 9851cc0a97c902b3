import { describe, expect, it } from 'vitest';
import { why } from '../../../src/inspect/why.js';
import { docker0World, setDown } from './fixtures.js';

const broken = (hops: ReturnType<typeof why>) => hops.find((h) => !h.ok);
const from = (world: ReturnType<typeof docker0World>, node: string) => world.find((w) => w.node === node)!;

describe('why (path walk on a live docker0 capture)', () => {
  it('a healthy path: route, veth to the bridge, forwarding, FORWARD, MASQUERADE, delivery, route back', () => {
    const world = docker0World();
    const hops = why(world, from(world, 'c1'), '203.0.113.10');
    expect(broken(hops)).toBeUndefined();
    const text = hops.map((h) => `${h.at}: ${h.what}`).join('\n');
    expect(text).toContain('c1: route to 203.0.113.10: default via 172.17.0.1 dev eth0');
    expect(text).toContain('host: forwarding is on');
    expect(text).toMatch(/MASQUERADE rewrites source 172.17.0.2 -> 198.51.100.2/);
    expect(text).toContain('wan: 203.0.113.10 is on lo: delivered');
    expect(text).toContain('wan: route back to 198.51.100.2 exists');
  });

  it('container to container crosses the bridge without being routed', () => {
    const world = docker0World();
    const hops = why(world, from(world, 'c1'), '172.17.0.3');
    expect(broken(hops)).toBeUndefined();
    expect(hops.some((h) => h.what.includes('forwarding'))).toBe(false);
    expect(hops.at(-2)?.what).toBe('172.17.0.3 is on eth0: delivered');
  });

  it('names a down bridge, with the command that brings it up', () => {
    const world = docker0World((node, file, text) => (node === 'host' && file === 'addr.json' ? setDown(text, 'docker0') : text));
    expect(broken(why(world, from(world, 'c1'), '203.0.113.10'))).toEqual({ at: 'host', ok: false, what: 'bridge docker0 is down', fix: 'ip -n nslab-zqd-host link set dev docker0 up' });
  });

  it('names forwarding off', () => {
    const world = docker0World((node, file, text) => (node === 'host' && file === 'forward' ? '0\n' : text));
    expect(broken(why(world, from(world, 'c1'), '203.0.113.10'))?.fix).toBe('ip netns exec nslab-zqd-host sysctl -w net.ipv4.ip_forward=1');
  });

  it('names a FORWARD policy DROP with no accepting rule, and the rule that would let it through', () => {
    const world = docker0World((node, file, text) => (node === 'host' && file === 'iptables' ? text.replace(':FORWARD ACCEPT', ':FORWARD DROP') : text));
    const b = broken(why(world, from(world, 'c1'), '203.0.113.10'))!;
    expect(b.what).toContain('policy is DROP');
    expect(b.fix).toBe('ip netns exec nslab-zqd-host iptables -I FORWARD -i docker0 -o eth0 -j ACCEPT');
  });

  it('without MASQUERADE, the far side has no route back', () => {
    const world = docker0World((node, file, text) => (node === 'host' && file === 'iptables' ? text.replace(/^\[.*MASQUERADE\n/m, '') : text));
    const b = broken(why(world, from(world, 'c1'), '203.0.113.10'))!;
    expect(b).toMatchObject({ at: 'wan', what: expect.stringContaining('no route back to 172.17.0.2') });
    expect(b.fix).toBe("ip netns exec nslab-zqd-host iptables -t nat -A POSTROUTING -s 172.17.0.0/16 '!' -o docker0 -j MASQUERADE");
  });

  it('a missing default route is named with the gateway found on the bridge', () => {
    const world = docker0World((node, file, text) => (node === 'c1' && file === 'route.json' ? JSON.stringify(JSON.parse(text).filter((r: { dst: string }) => r.dst !== 'default')) : text));
    expect(broken(why(world, from(world, 'c1'), '203.0.113.10'))?.fix).toBe('ip -n nslab-zqd-c1 route add default via 172.17.0.1');
  });

  it('a down container end is named in the container', () => {
    const world = docker0World((node, file, text) => (node === 'c2' && file === 'addr.json' ? setDown(text, 'eth0') : text));
    expect(broken(why(world, from(world, 'c1'), '172.17.0.3'))).toMatchObject({ at: 'c2', fix: 'ip -n nslab-zqd-c2 link set dev eth0 up' });
  });

  it('with br_netfilter, a FORWARD policy DROP stops even bridged container-to-container frames', () => {
    const world = docker0World((node, file, text) => (node === 'host' && file === 'iptables' ? text.replace(':FORWARD ACCEPT', ':FORWARD DROP') : text));
    expect(broken(why(world, from(world, 'c1'), '172.17.0.3'))).toMatchObject({ at: 'host', fix: 'ip netns exec nslab-zqd-host iptables -I FORWARD -i docker0 -o docker0 -j ACCEPT' });
  });

  it('a published port: DNAT in PREROUTING, then the routed path to the container', () => {
    const dnat = '[0:0] -A PREROUTING -i eth0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\n';
    const world = docker0World((node, file, text) => (node === 'host' && file === 'iptables' ? text.replace(/(:POSTROUTING ACCEPT \[0:0\]\n)/, `$1${dnat}`) : text));
    const hops = why(world, from(world, 'wan'), '198.51.100.2', 'tcp', 8080);
    expect(broken(hops)).toBeUndefined();
    const text = hops.map((h) => `${h.at}: ${h.what}`).join('\n');
    expect(text).toContain('host: nat PREROUTING DNAT rewrites 198.51.100.2:8080 -> 172.17.0.2:80');
    expect(text).toContain('host: iptables FORWARD lets eth0 -> docker0 through');
    expect(text).toContain('c1: 172.17.0.2 is on eth0: delivered');
    // Without the DNAT the host itself is the destination.
    const plain = docker0World();
    expect(why(plain, from(plain, 'wan'), '198.51.100.2', 'tcp', 8080)).toContainEqual({ at: 'host', ok: true, what: '198.51.100.2 is on eth0: delivered' });
  });

  it('a bridge port still learning (STP forward delay) is named', () => {
    const learning = (json: string) => {
      const links = JSON.parse(json) as { master?: string; linkinfo?: { info_slave_data?: { state?: string } } }[];
      for (const l of links) if (l.master === 'docker0' && l.linkinfo?.info_slave_data) l.linkinfo.info_slave_data.state = 'learning';
      return JSON.stringify(links);
    };
    const world = docker0World((node, file, text) => (node === 'host' && file === 'addr.json' ? learning(text) : text));
    expect(broken(why(world, from(world, 'c1'), '172.17.0.1'))).toMatchObject({ at: 'host', what: expect.stringContaining('is learning, not forwarding (STP)'), fix: 'ip -n nslab-zqd-host link set dev docker0 type bridge stp_state 0' });
  });

  it("a bridge's subnet that shadows a destination reached another way is named, not blamed on a rule", () => {
    // The renamed project's network took 203.0.113.0/24: its connected route beats the default route.
    const world = docker0World((node, file, text) =>
      node === 'host' && file === 'route.json' ? JSON.stringify([...JSON.parse(text), { dst: '203.0.113.0/24', dev: 'docker0', protocol: 'kernel', scope: 'link', flags: [] }]) : text,
    );
    const b = broken(why(world, from(world, 'c1'), '203.0.113.10'))!;
    expect(b).toMatchObject({ at: 'host', what: expect.stringMatching(/^docker0's subnet 203\.0\.113\.0\/24 takes 203\.0\.113\.10, but nothing on docker0 has it: wan does/) });
    expect(b.fix).toContain('--subnet');
    // A destination on the bridge itself is not shadowed.
    expect(broken(why(world, from(world, 'c1'), '172.17.0.3'))).toBeUndefined();
  });
});
