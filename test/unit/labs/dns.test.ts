import { describe, expect, it } from 'vitest';
import { dnsLab } from '../../../labs/dns.js';
import { resolverPort, resolverTcpPort } from '../../../src/docker/embedded-dns.js';
import { userBridgeName } from '../../../src/docker/user-network.js';
import { instanceDir } from '../../../src/lifecycle/state.js';
import { buildPlan, expectSandboxed, planLines, teardownLines } from './support.js';

const model = buildPlan(dnsLab);
const lines = planLines(model);
const br = userBridgeName('p1', 'my_bridge');

describe('dns lab plan', () => {
  it('creates my_bridge as br-<12 hex> on 172.18.0.0/16 beside docker0', () => {
    expect(br).toMatch(/^br-[0-9a-f]{12}$/);
    expect(lines).toContain(`ip netns exec nslab-p1-host brctl addbr ${br}`);
    expect(lines).toContain(`ip -n nslab-p1-host addr add 172.18.0.1/16 brd + dev ${br}`);
    expect(lines).toContain('ip -n nslab-p1-db addr add 172.18.0.2/16 brd + dev eth0');
    expect(lines).toContain('ip -n nslab-p1-web addr add 172.18.0.3/16 brd + dev eth0');
    expect(lines).toContain('ip -n nslab-p1-c1 addr add 172.17.0.2/16 brd + dev eth0');
  });

  it('gives db and web (not c1) a resolver on 127.0.0.11 over UDP and TCP, Docker\'s DNAT chains, a resolv.conf and their names', () => {
    for (const c of ['db', 'web']) {
      const [udp, tcp] = [resolverPort(`nslab-p1-${c}`), resolverTcpPort(`nslab-p1-${c}`)];
      // Docker 29 asks the host's server from the host's namespace: through a relay there.
      const relay = `${instanceDir('p1')}/dns-relay/${c}.sock`;
      expect(lines).toContain(`ip netns exec nslab-p1-host agent daemon --netns nslab-p1-host ${instanceDir('p1')}/pids/dns-relay-${c}.pid dns-relay ${relay}`);
      expect(lines).toContain(`ip netns exec nslab-p1-${c} agent daemon --netns nslab-p1-${c} ${instanceDir('p1')}/pids/dns-${c}.pid dns-server 127.0.0.11 ${udp} ${tcp} 'relay:${relay}|203.0.113.53' @${instanceDir('p1')}/dns-views/${c}`);
      expect(lines).toContain(`agent write-file ${instanceDir('p1')}/dns-views/${c}/my_bridge ${instanceDir('p1')}/dns/my_bridge`);
      const nat = `ip netns exec nslab-p1-${c} iptables -w -t nat`;
      expect(lines).toContain(`${nat} -N DOCKER_OUTPUT`);
      expect(lines).toContain(`${nat} -I OUTPUT -d 127.0.0.11/32 -j DOCKER_OUTPUT`);
      expect(lines).toContain(`${nat} -I DOCKER_OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127.0.0.11:${udp}`);
      expect(lines).toContain(`${nat} -I DOCKER_OUTPUT -d 127.0.0.11/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127.0.0.11:${tcp}`);
      expect(lines).toContain(`${nat} -I DOCKER_POSTROUTING -s 127.0.0.11/32 -p tcp -m tcp --sport ${tcp} -j SNAT --to-source :53`);
      expect(lines.some((l) => l.startsWith(`agent write-file /etc/netns/nslab-p1-${c}/resolv.conf`) && l.includes("'nameserver 127.0.0.11'") && l.includes("'# ExtServers: [host(203.0.113.53)]'"))).toBe(true);
    }
    expect(lines.some((l) => new RegExp(`^agent write-file ${instanceDir('p1')}/dns/my_bridge/db 172\\.18\\.0\\.2 db database [0-9a-f]{12}$`).test(l))).toBe(true);
    expect(lines.filter((l) => l.includes('nslab-p1-c1') && /dns-server|DNAT/.test(l))).toEqual([]);
    // The default bridge copies the host's resolv.conf.
    expect(lines.some((l) => l.startsWith('agent write-file /etc/netns/nslab-p1-c1/resolv.conf') && l.includes("'nameserver 203.0.113.53'"))).toBe(true);
  });

  it('uses table ip docker-dns in each container with the nftables backend', () => {
    const nft = planLines(buildPlan(dnsLab, 'p1', { firewall: 'nftables' }));
    const udp = resolverPort('nslab-p1-db');
    expect(nft).toContain(`ip netns exec nslab-p1-db nft add rule ip docker-dns dns-dnat ip daddr 127.0.0.11 udp dport 53 counter dnat to 127.0.0.11:${udp}`);
    expect(nft.some((l) => l.includes('nslab-p1-db iptables'))).toBe(false);
  });

  it('stays in its sandbox, and teardown removes the files as well as the namespaces', () => {
    expectSandboxed(model);
    const down = teardownLines(model);
    expect(down).toContain(`agent remove-file /etc/netns/nslab-p1-web/resolv.conf`);
    expect(down).toContain(`agent remove-file ${instanceDir('p1')}/dns/my_bridge/db`);
    expect(down.filter((l) => l.startsWith('ip netns del'))).toEqual(['ip netns del nslab-p1-web', 'ip netns del nslab-p1-db', 'ip netns del nslab-p1-c1', 'ip netns del nslab-p1-wan', 'ip netns del nslab-p1-host']);
  });

  it('expects names, aliases, the short ID and forwarded names to resolve on my_bridge, and not container names on the default bridge', () => {
    const byTitle = Object.fromEntries(model.expectations.map((e) => [e.title, e]));
    expect(byTitle['web resolves db over TCP']!.probe).toMatchObject({ kind: 'dns', name: 'db', transport: 'tcp', answer: '172.18.0.2' });
    expect(byTitle["web resolves db's alias, database"]!.probe).toMatchObject({ kind: 'dns', name: 'database' });
    expect(byTitle['web resolves server.example.net (forwarded to the host\'s resolver)']!).toMatchObject({ expect: 'reach', probe: { answer: '203.0.113.10' } });
    expect(byTitle['c1 resolves db (default bridge: no embedded DNS)']!).toMatchObject({ expect: 'fail', probe: { resolver: '203.0.113.53' } });
    expect(model.expectations[0]!.probe).toEqual({ kind: 'dns', from: 'web', name: 'db', answer: '172.18.0.2' });
    expect(model.expectations[2]!.probe).toEqual({ kind: 'ping', from: 'web', to: 'db' });
  });
});
