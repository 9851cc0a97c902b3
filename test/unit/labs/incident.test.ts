import { describe, expect, it } from 'vitest';
import { incidentLab } from '../../../labs/incident.js';
import { userBridgeName } from '../../../src/docker/user-network.js';
import { subnetContains, parseSubnet } from '../../../src/model/ipam.js';
import { buildPlan, expectSandboxed, planLines, shape, teardownLines } from './support.js';

const model = buildPlan(incidentLab);
const lines = planLines(model);
const stepOf = (prefix: string) => model.steps.find((s) => s.title.startsWith(prefix))!;

describe('incident lab plan', () => {
  it('puts the database on a lab-only network behind the wan, admitting one source', () => {
    expect(lines).toContain('ip -n nslab-p1-db addr add 192.168.1.10/24 dev eth0');
    expect(lines).toContain('ip -n nslab-p1-wan addr add 192.168.1.1/24 dev eth1');
    expect(lines).toContain("ip netns exec nslab-p1-db iptables -w -t filter -A INPUT -p tcp '!' -s 198.51.100.2/32 -m comment --comment nslab:p1 -j DROP");
    expectSandboxed(model);
  });

  it("the renamed project gets the next pool in Docker's order, which covers the database; the fix does not", () => {
    const clash = userBridgeName('p1', 'renamed_default');
    const rename = planLines([stepOf('Rename')]);
    // 172.17 is docker0's, 172.18-172.31 the other projects': next come 192.168.0.0/16's /20s.
    expect(rename).toContain(`ip -n nslab-p1-host addr add 192.168.0.1/20 brd + dev ${clash}`);
    expect(subnetContains(parseSubnet('192.168.0.0/20'), '192.168.1.10')).toBe(true);
    const fix = planLines([stepOf('Fix')]);
    expect(fix[0]).toMatch(/^ip -n nslab-p1-host link del dev veth[0-9a-f]{7}$/);
    // compose down: the container (veth first, then its namespace), then the network's rules and bridge.
    const at = (line: string) => fix.indexOf(line);
    const masq = `ip netns exec nslab-p1-host iptables -w -t nat -D POSTROUTING -s 192.168.0.0/20 '!' -o ${clash} -j MASQUERADE`;
    expect(at('ip netns del nslab-p1-app')).toBeGreaterThan(0);
    expect(at(masq)).toBeGreaterThan(at('ip netns del nslab-p1-app'));
    expect(at(`ip -n nslab-p1-host link del dev ${clash}`)).toBeGreaterThan(at(masq));
    expect(fix.some((l) => /addr add 10\.20\.0\.1\/16 brd \+ dev br-[0-9a-f]{12}$/.test(l) && !l.includes(clash))).toBe(true);
    expect(subnetContains(parseSubnet('10.20.0.0/16'), '192.168.1.10')).toBe(false);
  });

  it('checks both sources before, the loss after the rename, and the recovery at the end', () => {
    expect(model.steps.map((s) => (s.checks ?? []).map((c) => `${c.probe.kind}:${c.expect}`))).toEqual([
      [],
      [],
      [],
      [],
      ['source:reach'],
      ['source:reach'],
      ['tcp:fail', 'tcp:fail', 'tcp:fail'],
      [],
    ]);
    expect(shape(model)).toEqual([
      ['source', 'reach'],
      ['source', 'reach'],
      ['source', 'reach'],
      ['tcp', 'fail'],
    ]);
    expect(model.expectations.slice(0, 3).map((e) => e.probe.kind === 'source' && [e.probe.from, e.probe.source])).toEqual([
      ['hostapp', '198.51.100.2'],
      ['web', '198.51.100.2'],
      ['app', '198.51.100.2'],
    ]);
    expect(model.nodes.hostapp!.ns).toBe('nslab-p1-host');
  });

  it('teardown: the namespaces (app once: the first was deleted by the lab itself) and its DNS files, nothing by hand', () => {
    // renamed_default is user-defined: app has the embedded DNS, whose files outlive namespaces.
    expect(teardownLines(model).filter((l) => !l.startsWith('agent remove-file '))).toEqual([
      'ip netns del nslab-p1-app',
      'ip netns del nslab-p1-web',
      'ip netns del nslab-p1-db',
      'ip netns del nslab-p1-wan',
      'ip netns del nslab-p1-host',
    ]);
  });
});
