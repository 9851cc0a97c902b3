import { describe, expect, it } from 'vitest';
import { connectLab } from '../../../labs/connect.js';
import { userBridgeName } from '../../../src/docker/user-network.js';
import { instanceDir } from '../../../src/lifecycle/state.js';
import { buildPlan, expectSandboxed, planLines, shape, teardownLines } from './support.js';

const model = buildPlan(connectLab);
const br = userBridgeName('p1', 'my_bridge');
const stepLines = (title: string) => planLines(model.steps.filter((s) => s.title === title));

describe('connect lab plan', () => {
  it("Docker 28 isolates the bridges with the two-stage chains, from DOCKER-FORWARD, in the host namespace", () => {
    const lines = planLines(buildPlan(connectLab, 'p1', { docker: '28' }));
    const ipt = 'ip netns exec nslab-p1-host iptables -w -t filter';
    expect(lines).toContain(`${ipt} -N DOCKER-ISOLATION-STAGE-1`);
    expect(lines).toContain(`${ipt} -A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1`);
    for (const b of ['docker0', br]) {
      expect(lines).toContain(`${ipt} -A DOCKER-ISOLATION-STAGE-1 -i ${b} '!' -o ${b} -j DOCKER-ISOLATION-STAGE-2`);
      expect(lines).toContain(`${ipt} -I DOCKER-ISOLATION-STAGE-2 -o ${b} -j DROP`);
    }
    expect(lines).toContain('ip netns exec nslab-p1-host sysctl -w net.ipv4.ip_forward=1');
  });

  it('Docker 29 has no isolation chains: a DROP per bridge in DOCKER, and raw DROPs per container', () => {
    const lines = planLines(model);
    expect(lines.some((l) => l.includes('ISOLATION'))).toBe(false);
    for (const b of ['docker0', br]) expect(lines).toContain(`ip netns exec nslab-p1-host iptables -w -t filter -A DOCKER '!' -i ${b} -o ${b} -j DROP`);
    expect(lines).toContain(`ip netns exec nslab-p1-host iptables -w -t raw -A PREROUTING -d 172.18.0.2/32 '!' -i ${br} -j DROP`);
  });

  it('connect adds eth1 from my_bridge without a second default route, a DNS record and a resolver', () => {
    const lines = stepLines('Connect web to my_bridge');
    expect(lines.some((l) => new RegExp(`^ip -n nslab-p1-host link add veth[0-9a-f]{7} txqueuelen 0 type veth peer name eth1 .* netns nslab-p1-web$`).test(l))).toBe(true);
    expect(lines).toContain('ip -n nslab-p1-web addr add 172.18.0.3/16 brd + dev eth1');
    expect(lines.filter((l) => l.includes('route add'))).toEqual([]);
    // Its names there: web, and its short ID.
    expect(lines.some((l) => new RegExp(`^agent write-file ${instanceDir('p1')}/dns/my_bridge/web 172\\.18\\.0\\.3 web [0-9a-f]{12}$`).test(l))).toBe(true);
    expect(lines.some((l) => l.includes('nslab-p1-web agent daemon') && l.includes('dns-server'))).toBe(true);
  });

  it("disconnect deletes that veth, the endpoint's rule, the record and the resolver's view of my_bridge, as forward steps (the resolver stays, as Docker's)", () => {
    const connectVeth = /link add (veth[0-9a-f]{7}) txqueuelen 0 type veth peer name eth1/.exec(stepLines('Connect web to my_bridge').join('\n'))![1];
    const step = model.steps.find((s) => s.title === 'Disconnect web from my_bridge')!;
    expect(planLines([step])).toEqual([
      `ip -n nslab-p1-host link del dev ${connectVeth}`,
      `ip netns exec nslab-p1-host iptables -w -t raw -D PREROUTING -d 172.18.0.3/32 '!' -i ${br} -j DROP`,
      `agent remove-file ${instanceDir('p1')}/dns/my_bridge/web`,
      `agent remove-file ${instanceDir('p1')}/dns-views/web/my_bridge`,
      // Docker takes eth1's address out of web's /etc/hosts; its resolv.conf keeps the embedded DNS.
      expect.stringMatching(/^agent write-file \/etc\/netns\/nslab-p1-web\/hosts .* '172\.17\.0\.2\t[0-9a-f]{12}'$/),
    ]);
    // Only the files come back on a rewind to before it (the two removed, and web's hosts as it
    // was): the veth and rule go with the connect's undo.
    expect(step.ops.filter((op) => op.undo !== undefined).map((op) => op.deletes ?? op.within)).toEqual([
      { kind: 'file', path: `${instanceDir('p1')}/dns/my_bridge/web` },
      { kind: 'file', path: `${instanceDir('p1')}/dns-views/web/my_bridge` },
      [{ kind: 'file', path: '/etc/netns/nslab-p1-web/hosts' }],
    ]);
  });

  it('teardown stays derived from the ops: the namespaces and the files', () => {
    expectSandboxed(model);
    expect(teardownLines(model).filter((l) => !l.includes('remove-file'))).toEqual(['ip netns del nslab-p1-db', 'ip netns del nslab-p1-web', 'ip netns del nslab-p1-host']);
  });

  it('checks isolation before, reach by name after connect, and isolation again at the end', () => {
    const checks = model.steps.map((s) => (s.checks ?? []).map((c) => [c.probe.kind, c.expect]));
    expect(checks[4]).toEqual([
      ['ping', 'fail'],
      ['ping', 'fail'],
    ]);
    expect(checks[5]).toEqual([
      ['ping', 'reach'],
      ['source', 'reach'],
      ['dns', 'reach'],
    ]);
    expect(model.steps[5]!.checks![0]!.probe).toEqual({ kind: 'ping', from: 'web', to: 'db' });
    expect(shape(model)).toEqual([
      ['ping', 'fail'],
      ['ping', 'fail'],
      ['dns', 'fail'],
      ['ping', 'reach'],
      ['ping', 'reach'],
    ]);
  });
});
