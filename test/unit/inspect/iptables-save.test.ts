import { describe, expect, it } from 'vitest';
import { chainPolicy, parseIptablesSave, parseRuleset } from '../../../src/kernel/iptables-save.js';
import { evaluate, ruleMatches } from '../../../src/kernel/packet-filter.js';

// Docker 29's rule shapes (reference §2, Fixture A), in iptables-save -c form.
const DOCKER = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [3:180]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-USER - [0:0]
[7:420] -A FORWARD -j DOCKER-USER
[7:420] -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
[2:120] -A FORWARD -o docker0 -j DOCKER
[4:240] -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
[1:60] -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
[1:60] -A DOCKER ! -i docker0 -o docker0 -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
[1:60] -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
[5:300] -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -m comment --comment "nslab:zqd lab" -j MASQUERADE
[1:60] -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
`;

describe('iptables-save -c parser', () => {
  const set = parseRuleset(DOCKER);

  it('reads chains with policies and rules with counters and matches', () => {
    expect(chainPolicy(set, 'filter', 'FORWARD')).toBe('DROP');
    expect(chainPolicy(set, 'filter', 'DOCKER')).toBeUndefined();
    const masq = set.rules.find((r) => r.target === 'MASQUERADE')!;
    expect(masq).toMatchObject({ table: 'nat', chain: 'POSTROUTING', packets: 5, bytes: 300, source: { value: '172.17.0.0/16', negated: false }, outIface: { value: 'docker0', negated: true }, comment: 'nslab:zqd lab' });
    expect(set.rules.find((r) => r.target === 'DNAT')).toMatchObject({ dport: '8080', toDestination: '172.17.0.2:80', inIface: { value: 'docker0', negated: true } });
  });

  it('keeps quoted words whole, and -c counters out of the rule argv', () => {
    const masq = parseIptablesSave(DOCKER).find((r) => r.comment !== undefined)!;
    expect(masq).toEqual({ table: 'nat', chain: 'POSTROUTING', spec: ['-s', '172.17.0.0/16', '!', '-o', 'docker0', '-m', 'comment', '--comment', 'nslab:zqd lab', '-j', 'MASQUERADE'], comment: 'nslab:zqd lab' });
  });

  it('evaluates FORWARD like netfilter: user chains followed, first terminal match wins, policy last', () => {
    const inbound = { src: '198.51.100.1', dst: '172.17.0.2', inIface: 'eth0', outIface: 'docker0', protocol: 'tcp' as const, dport: 80 };
    expect(evaluate(set, 'filter', 'FORWARD', inbound).rule?.spec).toContain('--dport');
    expect(evaluate(set, 'filter', 'FORWARD', { ...inbound, dport: 22 })).toMatchObject({ target: 'DROP' });
    expect(evaluate(set, 'filter', 'FORWARD', { ...inbound, inIface: 'docker0', outIface: 'eth0' }).target).toBe('ACCEPT');
    // Nothing matches eth0 -> eth1: the policy decides.
    expect(evaluate(set, 'filter', 'FORWARD', { ...inbound, outIface: 'eth1' })).toEqual({ target: 'DROP', rule: undefined });
  });

  it('a RELATED,ESTABLISHED rule never matches a first packet', () => {
    const ct = set.rules.find((r) => r.ctstate)!;
    expect(ruleMatches(ct, { src: '1.2.3.4', dst: '5.6.7.8', protocol: 'icmp' })).toBe(false);
  });

  it('MASQUERADE applies to the subnet leaving by another interface only', () => {
    const out = { src: '172.17.0.2', dst: '203.0.113.10', inIface: 'docker0', outIface: 'eth0', protocol: 'icmp' as const };
    expect(evaluate(set, 'nat', 'POSTROUTING', out).target).toBe('MASQUERADE');
    expect(evaluate(set, 'nat', 'POSTROUTING', { ...out, outIface: 'docker0' }).target).toBe('ACCEPT');
    expect(evaluate(set, 'nat', 'POSTROUTING', { ...out, src: '172.18.0.2' }).target).toBe('ACCEPT');
  });
});
