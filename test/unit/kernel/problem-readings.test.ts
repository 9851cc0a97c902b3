import { describe, expect, it } from 'vitest';
import { listensOn, parseListening } from '../../../src/kernel/listening.js';
import { nftDropCounters, ownNftTables } from '../../../src/kernel/nft-listing.js';
import { parseRuleset } from '../../../src/kernel/iptables-save.js';
import { evaluate } from '../../../src/kernel/packet-filter.js';
import { parseCaptured } from '../../../src/trace/captured.js';
import { parseDriverOptions } from '../../../src/docker/parse.js';

// What the problem labs read from the kernel, parsed: the outputs as Debian 13's tools print them.

describe('ss -Hltn', () => {
  const ss = ['LISTEN 0      5      127.0.0.1:8000 0.0.0.0:*', 'LISTEN 0      511          *:8080       *:*', 'LISTEN 0      4096      [::]:22      [::]:*', 'LISTEN 0      10   127.0.0.53%lo:53 0.0.0.0:*'].join('\n');
  it('reads each listener\'s address and port, IPv6 brackets and %dev suffixes off', () => {
    expect(parseListening(ss)).toEqual([
      { address: '127.0.0.1', port: 8000 },
      { address: '*', port: 8080 },
      { address: '::', port: 22 },
      { address: '127.0.0.53', port: 53 },
    ]);
  });
  it('a socket bound to 127.0.0.1 takes no connection for the bridge address; a wildcard takes any', () => {
    const l = parseListening(ss);
    expect(listensOn(l, '172.17.0.1', 8000)).toBe(false);
    expect(listensOn(l, '127.0.0.1', 8000)).toBe(true);
    expect(listensOn(l, '172.17.0.1', 8080)).toBe(true);
    expect(listensOn(l, '172.17.0.1', 22)).toBe(true);
  });
});

describe('nft list ruleset -a', () => {
  const listing = `table ip filter { # handle 1
\tchain DOCKER-USER { # handle 2
\t\tiifname "eth0" counter packets 3 bytes 180 drop # handle 5
\t}
}
table ip host-firewall { # handle 7
\tchain forward { # handle 1
\t\ttype filter hook forward priority -1; policy accept;
\t\tiifname "eth0" meta l4proto tcp ct original proto-dst 8080 counter packets 2 bytes 120 drop # handle 2
\t\tiifname "virbr0" accept # handle 3
\t}
}
`;
  it('keeps the counted drops of tables of its own, with their handles; iptables-nft\'s own tables are iptables-save\'s', () => {
    expect(nftDropCounters(listing)).toEqual([{ table: 'ip host-firewall', chain: 'forward', rule: 'iifname "eth0" meta l4proto tcp ct original proto-dst 8080 counter drop', packets: 2, handle: 2 }]);
  });
  it('lists the tables why does not walk', () => {
    expect(ownNftTables('table ip filter\ntable ip docker-bridges\ntable ip6 nat\ntable ip host-firewall\n')).toEqual(['ip docker-bridges', 'ip host-firewall']);
  });
});

describe('--ctorigdstport', () => {
  const set = parseRuleset(['*filter', ':FORWARD DROP [0:0]', ':DOCKER-USER - [0:0]', '[0:0] -A FORWARD -j DOCKER-USER', '[4:240] -A DOCKER-USER -i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP', 'COMMIT', ''].join('\n'));
  it('matches the port the client sent to, which DNAT has since changed', () => {
    const after = { src: '198.51.100.1', dst: '172.17.0.2', inIface: 'eth0', outIface: 'docker0', protocol: 'tcp' as const, dport: 80 };
    expect(evaluate(set, 'filter', 'FORWARD', { ...after, origDport: 8080 })).toMatchObject({ target: 'DROP', rule: { chain: 'DOCKER-USER', packets: 4 } });
    // Another published port: the rule does not take it, the policy does.
    expect(evaluate(set, 'filter', 'FORWARD', { ...after, origDport: 9090 })).toMatchObject({ target: 'DROP', rule: undefined });
  });
});

describe('a SYN\'s MSS in a capture', () => {
  it('is read off the options, the packet\'s kind unchanged', () => {
    expect(parseCaptured('host', '1796192680.2 eth0  Out IP 198.51.100.2.63586 > 203.0.113.70.80: Flags [S], seq 1, win 64240, options [mss 1360,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0')).toMatchObject({ what: 'Flags [S]', mss: 1360 });
  });
});

describe('com.docker.network.driver.mtu', () => {
  it('is a whole number from 68 to 65535, else refused with the fix', () => {
    expect(parseDriverOptions(['com.docker.network.driver.mtu=1400'])).toEqual({ mtu: 1400 });
    expect(() => parseDriverOptions(['com.docker.network.driver.mtu=9x'])).toThrow(/invalid MTU "9x" for com.docker.network.driver.mtu/);
    expect(() => parseDriverOptions(['com.docker.network.driver.mtu=40'])).toThrow(/invalid MTU "40"/);
  });
});
