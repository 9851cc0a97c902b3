import { describe, expect, it } from 'vitest';
import { overlayLab } from '../../../labs/overlay.js';
import { buildPlan, expectSandboxed, planLines, shape } from './support.js';

const model = buildPlan(overlayLab);
const lines = planLines(model);

describe('overlay lab plan', () => {
  it('joins two hosts by an underlay veth and each bridge by VXLAN VNI 4096 on UDP 4789', () => {
    expect(lines).toContain('ip -n nslab-p1-host1 link add eth0 type veth peer name eth0 netns nslab-p1-host2');
    expect(lines).toContain('ip -n nslab-p1-host1 link add vxlan0 type vxlan id 4096 local 198.51.100.2 remote 198.51.100.3 dstport 4789 dev eth0');
    expect(lines).toContain('ip -n nslab-p1-host2 link add vxlan0 type vxlan id 4096 local 198.51.100.3 remote 198.51.100.2 dstport 4789 dev eth0');
    expect(lines).toContain('ip netns exec nslab-p1-host1 brctl addif br0 vxlan0');
  });

  it('puts c1 on host1 and c2 on host2 in one subnet, without a default route', () => {
    expect(lines).toContain('ip -n nslab-p1-c1 addr add 10.0.0.2/24 dev eth0');
    expect(lines).toContain('ip -n nslab-p1-c2 addr add 10.0.0.3/24 dev eth0');
    expect(lines.some((l) => /^ip -n nslab-p1-host1 link add veth\w+ type veth peer name eth0 .*netns nslab-p1-c1$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ip -n nslab-p1-host2 link add veth\w+ type veth peer name eth0 .*netns nslab-p1-c2$/.test(l))).toBe(true);
    expect(lines.filter((l) => l.includes('route add'))).toEqual([]);
    expectSandboxed(model);
  });

  it('checks c1 -> c2 fails before the tunnel and works after, and captures the encapsulation', () => {
    expect(model.steps.map((s) => (s.checks ?? []).map((c) => c.expect))).toEqual([[], [], [], ['fail'], ['reach']]);
    expect(shape(model)).toEqual([
      ['ping', 'reach'],
      ['ping', 'reach'],
      ['capture', 'reach'],
      ['ping', 'fail'],
    ]);
    const capture = model.expectations[2]!.probe;
    expect(capture).toMatchObject({ kind: 'capture', on: 'host1', iface: 'eth0', filter: ['udp', 'port', '4789'], from: 'c1', to: '10.0.0.3' });
    const seen = '17:01:02.000 IP 198.51.100.2.40312 > 198.51.100.3.4789: VXLAN, flags [I] (0x08), vni 4096\nIP 10.0.0.2 > 10.0.0.3: ICMP echo request, id 7, seq 1, length 64';
    const re = new RegExp(capture.kind === 'capture' ? capture.match : '');
    expect(re.test(seen)).toBe(true);
    expect(re.test(seen.replace('vni 4096', 'vni 256'))).toBe(false);
    expect(re.test(seen.replace('ICMP echo request', 'ARP, Request'))).toBe(false);
  });
});
