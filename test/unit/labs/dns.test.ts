import { describe, expect, it } from 'vitest';
import { dnsLab } from '../../../labs/dns.js';
import { resolverPort } from '../../../src/docker/embedded-dns.js';
import { userBridgeName } from '../../../src/docker/user-network.js';
import { instanceDir } from '../../../src/lab/state.js';
import { buildPlan, expectSandboxed, planLines, shape, teardownLines } from './support.js';

const model = buildPlan(dnsLab);
const lines = planLines(model);
const br = userBridgeName('p1', 'my_bridge');

describe('dns lab plan', () => {
  it('creates my_bridge as br-<12 hex> on 172.18.0.0/16 beside docker0', () => {
    expect(br).toMatch(/^br-[0-9a-f]{12}$/);
    expect(lines).toContain(`ip netns exec nslab-p1-host brctl addbr ${br}`);
    expect(lines).toContain(`ip -n nslab-p1-host addr add 172.18.0.1/16 dev ${br}`);
    expect(lines).toContain('ip -n nslab-p1-db addr add 172.18.0.2/16 dev eth0');
    expect(lines).toContain('ip -n nslab-p1-web addr add 172.18.0.3/16 dev eth0');
    expect(lines).toContain('ip -n nslab-p1-c1 addr add 172.17.0.2/16 dev eth0');
  });

  it('gives db and web (not c1) a resolver on 127.0.0.11, a DNAT for port 53, a resolv.conf and a record', () => {
    for (const c of ['db', 'web']) {
      const port = resolverPort(`nslab-p1-${c}`);
      expect(lines).toContain(`ip netns exec nslab-p1-${c} agent daemon ${instanceDir('p1')}/pids/dns-${c}.pid dns-server 127.0.0.11 ${port} ${instanceDir('p1')}/dns/my_bridge`);
      expect(lines).toContain(
        `ip netns exec nslab-p1-${c} iptables -w -t nat -A OUTPUT -d 127.0.0.11/32 -p udp -m udp --dport 53 -m comment --comment nslab:p1 -j DNAT --to-destination 127.0.0.11:${port}`,
      );
      expect(lines).toContain(`agent write-file /etc/netns/nslab-p1-${c}/resolv.conf '# Written by nslab like Docker does for user-defined networks: the embedded DNS.' 'nameserver 127.0.0.11' 'options ndots:0'`);
    }
    expect(lines).toContain(`agent write-file ${instanceDir('p1')}/dns/my_bridge/db 172.18.0.2`);
    expect(lines.filter((l) => l.includes('nslab-p1-c1') && /dns-server|resolv\.conf|DNAT/.test(l))).toEqual([]);
  });

  it('stays in its sandbox, and teardown removes the files as well as the namespaces', () => {
    expectSandboxed(model);
    const down = teardownLines(model);
    expect(down).toContain(`agent remove-file /etc/netns/nslab-p1-web/resolv.conf`);
    expect(down).toContain(`agent remove-file ${instanceDir('p1')}/dns/my_bridge/db`);
    expect(down.filter((l) => l.startsWith('ip netns del'))).toEqual(['ip netns del nslab-p1-web', 'ip netns del nslab-p1-db', 'ip netns del nslab-p1-c1', 'ip netns del nslab-p1-host']);
  });

  it('expects names to resolve on my_bridge only, and not at all on the default bridge', () => {
    expect(shape(model)).toEqual([
      ['dns', 'reach'],
      ['dns', 'reach'],
      ['ping', 'reach'],
      ['dns', 'fail'],
      ['dns', 'fail'],
      ['ping', 'reach'],
    ]);
    expect(model.expectations[0]!.probe).toEqual({ kind: 'dns', from: 'web', name: 'db', answer: '172.18.0.2' });
    expect(model.expectations[2]!.probe).toEqual({ kind: 'ping', from: 'web', to: 'db' });
    expect(model.expectations[4]!.probe).toMatchObject({ kind: 'dns', from: 'c1', name: 'db' });
  });
});
