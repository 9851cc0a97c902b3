import { describe, expect, it } from 'vitest';
import { overlayLab } from '../../../labs/overlay.js';
import { buildPlan, expectSandboxed, planLines, shape } from './support.js';

const model = buildPlan(overlayLab);
const lines = planLines(model);
const vx = /^ip -n nslab-p1-host1 link add (vx-001000-[0-9a-f]{5}) mtu 1450 type vxlan id 4096 dstport 4789 learning proxy l2miss l3miss$/;

describe('overlay lab plan', () => {
  it("gives each host the network's own namespace, with br0 holding the gateway and vxlan0 made in the host and moved in", () => {
    expect(lines).toContain('ip -n nslab-p1-host1 link add eth0 type veth peer name eth0 netns nslab-p1-host2');
    for (const [host, sb] of [['host1', 'ovnet1'], ['host2', 'ovnet2']]) {
      expect(lines).toContain(`ip netns add nslab-p1-${sb}`);
      expect(lines).toContain(`ip netns exec nslab-p1-${sb} brctl addbr br0`);
      expect(lines).toContain(`ip -n nslab-p1-${sb} addr add 10.0.0.1/24 brd + dev br0`);
      const made = lines.find((l) => l.startsWith(`ip -n nslab-p1-${host} link add vx-`))!;
      const name = /link add (\S+)/.exec(made)![1];
      expect(lines).toContain(`ip -n nslab-p1-${host} link set dev ${name} netns nslab-p1-${sb} name vxlan0`);
      expect(lines).toContain(`ip netns exec nslab-p1-${sb} brctl addif br0 vxlan0`);
    }
    expect(lines.some((l) => vx.test(l))).toBe(true);
  });

  it('plugs c1 and c2 into br0 by veths of MTU 1450 on both ends, MACs from the IP, and eth1 on docker_gwbridge with the default route', () => {
    expect(lines).toContain('ip -n nslab-p1-c1 addr add 10.0.0.2/24 brd + dev eth0');
    expect(lines).toContain('ip -n nslab-p1-c2 addr add 10.0.0.3/24 brd + dev eth0');
    expect(lines.some((l) => /^ip -n nslab-p1-ovnet1 link add veth\w+ mtu 1450 txqueuelen 0 type veth peer name eth0 address 02:42:0a:00:00:02 mtu 1450 txqueuelen 0 netns nslab-p1-c1$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ip -n nslab-p1-host1 link add veth\w+ txqueuelen 0 type veth peer name eth1 .*netns nslab-p1-c1$/.test(l))).toBe(true);
    expect(lines).toContain('ip -n nslab-p1-c1 route add default via 172.18.0.1');
    expect(lines).toContain('ip netns exec nslab-p1-host1 brctl addbr docker_gwbridge');
    expect(lines).toContain("ip netns exec nslab-p1-host1 iptables -w -t filter -A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP");
    expectSandboxed(model);
  });

  it('gives each container the embedded DNS of a user-defined network, and eth1 no name in it', () => {
    expect(lines.some((l) => /^ip netns exec nslab-p1-c1 .* dns-server 127\.0\.0\.11 /.test(l))).toBe(true);
    expect(lines.filter((l) => /write-file \S+\/dns\/ovnet\/c[12] 10\.0\.0\.[23] c[12] [0-9a-f]{12}$/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('/dns/docker_gwbridge/'))).toEqual([]);
  });

  it("programs each host with the other's container as gossip would: a permanent neighbour and forwarding entry", () => {
    expect(lines).toContain('ip -n nslab-p1-ovnet1 neigh add 10.0.0.3 lladdr 02:42:0a:00:00:03 dev vxlan0 nud permanent');
    expect(lines).toContain('ip netns exec nslab-p1-ovnet1 bridge fdb add 02:42:0a:00:00:03 dev vxlan0 dst 198.51.100.3 self permanent');
    expect(lines).toContain('ip netns exec nslab-p1-ovnet2 bridge fdb add 02:42:0a:00:00:02 dev vxlan0 dst 198.51.100.2 self permanent');
  });

  it('checks c1 -> c2 fails before gossip and works after, the MTU to the byte, the encapsulation, and egress', () => {
    expect(model.steps.map((s) => (s.checks ?? []).map((c) => c.expect))).toEqual([[], [], [], [], ['fail'], ['reach']]);
    expect(shape(model)).toEqual([
      ['ping', 'reach'],
      ['ping', 'reach'],
      ['ping', 'reach'],
      ['ping', 'fail'],
      ['capture', 'reach'],
      ['source', 'reach'],
      ['dns', 'reach'],
      ['ping', 'fail'],
    ]);
    expect(model.expectations[2]!.probe).toMatchObject({ kind: 'ping', size: 1422 });
    expect(model.expectations[3]!.probe).toMatchObject({ kind: 'ping', size: 1423 });
    const capture = model.expectations[4]!.probe;
    expect(capture).toMatchObject({ kind: 'capture', on: 'host1', iface: 'eth0', filter: ['udp', 'port', '4789'], from: 'c1', to: '10.0.0.3' });
    const seen = '17:01:02.000 IP 198.51.100.2.40312 > 198.51.100.3.4789: VXLAN, flags [I] (0x08), vni 4096\nIP 10.0.0.2 > 10.0.0.3: ICMP echo request, id 7, seq 1, length 64';
    const re = new RegExp(capture.kind === 'capture' ? capture.match : '');
    expect(re.test(seen)).toBe(true);
    expect(re.test(seen.replace('vni 4096', 'vni 256'))).toBe(false);
    expect(re.test(seen.replace('ICMP echo request', 'ARP, Request'))).toBe(false);
  });
});
