import { describe, expect, it } from 'vitest';
import { parseRuleset } from '../../../src/kernel/iptables-save.js';
import { parseCaptured } from '../../../src/trace/captured.js';
import { orderHops, renderTraceHop } from '../../../src/trace/hops.js';

// tcpdump -i any -n -tt -l lines as a docker0 lab printed them for `nslab trace docker0 c1 203.0.113.10`.
const ICMP: [string, string][] = [
  ['c1', '1796192680.100000 eth0  Out IP 172.17.0.2 > 203.0.113.10: ICMP echo request, id 4242, seq 1, length 64'],
  ['host', '1796192680.100011 vethdbdf806 In  IP 172.17.0.2 > 203.0.113.10: ICMP echo request, id 4242, seq 1, length 64'],
  ['host', '1796192680.100012 docker0 In  IP 172.17.0.2 > 203.0.113.10: ICMP echo request, id 4242, seq 1, length 64'],
  ['host', '1796192680.100090 eth0  Out IP 198.51.100.2 > 203.0.113.10: ICMP echo request, id 4242, seq 1, length 64'],
  ['wan', '1796192680.100092 eth0  In  IP 198.51.100.2 > 203.0.113.10: ICMP echo request, id 4242, seq 1, length 64'],
  ['wan', '1796192680.100113 eth0  Out IP 203.0.113.10 > 198.51.100.2: ICMP echo reply, id 4242, seq 1, length 64'],
  ['host', '1796192680.100115 eth0  In  IP 203.0.113.10 > 198.51.100.2: ICMP echo reply, id 4242, seq 1, length 64'],
  ['host', '1796192680.100126 docker0 Out IP 203.0.113.10 > 172.17.0.2: ICMP echo reply, id 4242, seq 1, length 64'],
];

const NAT_BEFORE = '*nat\n:POSTROUTING ACCEPT [0:0]\n[0:0] -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\nCOMMIT\n';
const NAT_AFTER = NAT_BEFORE.replace('[0:0] -A', '[1:84] -A');

describe('trace: captures into hops', () => {
  it('parses the interface, direction, addresses, ports and ICMP id of a line', () => {
    expect(parseCaptured('host', ICMP[3]![1])).toMatchObject({ node: 'host', iface: 'eth0', direction: 'out', protocol: 'icmp', src: '198.51.100.2', dst: '203.0.113.10', icmpId: 4242, what: 'echo request' });
    const syn = parseCaptured('wan', '1796192680.2 eth0  Out IP 198.51.100.1.63586 > 198.51.100.2.8080: Flags [S], seq 1, win 64240, length 0');
    expect(syn).toMatchObject({ protocol: 'tcp', src: '198.51.100.1', sport: 63586, dst: '198.51.100.2', dport: 8080, what: 'Flags [S]' });
    expect(parseCaptured('wan', 'listening on any, link-type LINUX_SLL2')).toBeUndefined();
  });

  it('orders by the kernel timestamps, request then reply, and pins the MASQUERADE on the rule whose counter rose', () => {
    const packets = ICMP.map(([node, line]) => parseCaptured(node, line)!).reverse();
    const counters = new Map([['host', { before: parseRuleset(NAT_BEFORE), after: parseRuleset(NAT_AFTER) }]]);
    const { request, reply } = orderHops(packets, (p) => p.what.startsWith('echo request'), counters);
    expect(request.map((h) => `${h.n} ${h.node} ${h.iface} ${h.direction} ${h.src}`)).toEqual([
      '1 c1 eth0 out 172.17.0.2',
      '2 host vethdbdf806 in 172.17.0.2',
      '3 host docker0 in 172.17.0.2',
      '4 host eth0 out 198.51.100.2',
      '5 wan eth0 in 198.51.100.2',
    ]);
    expect(request[3]!.rewrite).toEqual({ kind: 'MASQUERADE', change: 'src 172.17.0.2 -> 198.51.100.2', rule: 'nat POSTROUTING, rule 1', by: 'rule counters' });
    expect(renderTraceHop(request[3]!)).toContain('MASQUERADE: src 172.17.0.2 -> 198.51.100.2 (nat POSTROUTING, rule 1)');
    expect(reply.map((h) => h.n)).toEqual([6, 7, 8]);
    expect(reply[2]!.rewrite).toMatchObject({ kind: 'un-SNAT', change: 'dst 198.51.100.2 -> 172.17.0.2', by: 'conntrack' });
  });

  it('two captures that stamp the same instant: the packet left one namespace before it entered the other', () => {
    // As a loaded CI machine captured a reply (the captures listed c1 before host): c1's
    // eth0 received it in the same microsecond the host's veth sent it.
    const tie: [string, string][] = [
      ['c1', '1796192680.100135 eth0  In  IP 203.0.113.10 > 172.17.0.2: ICMP echo reply, id 4242, seq 1, length 64'],
      ['wan', '1796192680.100113 eth0  Out IP 203.0.113.10 > 198.51.100.2: ICMP echo reply, id 4242, seq 1, length 64'],
      ['host', '1796192680.100113 eth0  In  IP 203.0.113.10 > 198.51.100.2: ICMP echo reply, id 4242, seq 1, length 64'],
      ['host', '1796192680.100132 docker0 Out IP 203.0.113.10 > 172.17.0.2: ICMP echo reply, id 4242, seq 1, length 64'],
      ['host', '1796192680.100135 vethdbdf806 Out IP 203.0.113.10 > 172.17.0.2: ICMP echo reply, id 4242, seq 1, length 64'],
    ];
    const packets = tie.map(([node, line]) => parseCaptured(node, line)!);
    const { reply } = orderHops(packets, () => false, new Map());
    expect(reply.map((h) => `${h.node} ${h.iface} ${h.direction}`)).toEqual(['wan eth0 out', 'host eth0 in', 'host docker0 out', 'host vethdbdf806 out', 'c1 eth0 in']);
  });

  it('nanosecond stamps (tcpdump --nano) are read and order the hops', () => {
    const a = parseCaptured('host', '1796192680.100135001 vethdbdf806 Out IP 203.0.113.10 > 172.17.0.2: ICMP echo reply, id 4242, seq 1, length 64')!;
    const b = parseCaptured('c1', '1796192680.100135901 eth0  In  IP 203.0.113.10 > 172.17.0.2: ICMP echo reply, id 4242, seq 1, length 64')!;
    expect(b.time).toBeGreaterThan(a.time);
    expect(orderHops([b, a], () => false, new Map()).reply.map((h) => h.node)).toEqual(['host', 'c1']);
  });

  it('a rewrite no counter explains is shown, and said to be unattributed', () => {
    const packets = ICMP.slice(0, 4).map(([node, line]) => parseCaptured(node, line)!);
    const same = new Map([['host', { before: parseRuleset(NAT_AFTER), after: parseRuleset(NAT_AFTER) }]]);
    const { request } = orderHops(packets, () => true, same);
    expect(request[3]!.rewrite).toMatchObject({ kind: 'SNAT', rule: undefined, by: 'unattributed' });
  });
});
