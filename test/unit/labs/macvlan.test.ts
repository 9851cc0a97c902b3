import { describe, expect, it } from 'vitest';
import { macvlanLab } from '../../../labs/macvlan.js';
import { buildPlan, expectSandboxed, planLines, shape, teardownLines } from './support.js';

const model = buildPlan(macvlanLab);
const lines = planLines(model);

describe('macvlan lab plan', () => {
  it("creates each child on the host's uplink straight into its namespace, on the uplink's subnet", () => {
    // Docker 29: a random (locally administered) MAC; 27: 02:42 and the address.
    expect(lines.some((l) => /^ip -n nslab-p1-host link add link eth0 name eth0 address [0-9a-f]{2}(:[0-9a-f]{2}){5} txqueuelen 0 netns nslab-p1-c1 type macvlan mode bridge$/.test(l) && !l.includes('02:42:'))).toBe(true);
    expect(planLines(buildPlan(macvlanLab, 'p1', { docker: '27' }))).toContain('ip -n nslab-p1-host link add link eth0 name eth0 address 02:42:c6:33:64:41 txqueuelen 0 netns nslab-p1-c1 type macvlan mode bridge');
    expect(lines).toContain('ip -n nslab-p1-c1 addr add 198.51.100.65/24 brd + dev eth0');
    expect(lines).toContain('ip -n nslab-p1-c2 addr add 198.51.100.66/24 brd + dev eth0');
    expect(lines).toContain('ip -n nslab-p1-c1 route add default via 198.51.100.1');
    // No bridge, veth or NAT of its own: only docker0's, which every docker host has.
    expect(lines.filter((l) => /MASQUERADE|brctl addbr|type veth peer name eth0 .*netns nslab-p1-c/.test(l) && !/docker0|172\.17\.0\.0/.test(l))).toEqual([]);
  });

  it('adds the shim as a host macvlan with a route to the containers\' range', () => {
    expect(lines).toContain('ip -n nslab-p1-host link add link eth0 name macnet-shim type macvlan mode bridge');
    expect(lines).toContain('ip -n nslab-p1-host addr add 198.51.100.78/32 dev macnet-shim');
    expect(lines).toContain('ip -n nslab-p1-host route add 198.51.100.64/28 dev macnet-shim');
  });

  it('checks the host cannot reach a child before the shim and can after', () => {
    const shim = model.steps.findIndex((s) => s.title === 'Give the host a macvlan shim');
    expect(model.steps[shim - 1]!.checks!.map((c) => [c.probe, c.expect])).toEqual([[{ kind: 'ping', from: 'host', to: '198.51.100.65' }, 'fail']]);
    expect(model.steps[shim]!.checks!.map((c) => [c.probe, c.expect])).toEqual([[{ kind: 'ping', from: 'host', to: '198.51.100.65' }, 'reach']]);
  });

  it('expects no NAT, sibling reach, and the parent itself still cut off', () => {
    expect(shape(model)).toEqual([
      ['ping', 'reach'],
      ['source', 'reach'],
      ['ping', 'reach'],
      ['ping', 'reach'],
      ['ping', 'fail'],
    ]);
    expect(model.expectations[1]!.probe).toMatchObject({ from: 'c1', server: 'wan', source: '198.51.100.65' });
    expect(model.expectations[4]!.probe).toMatchObject({ from: 'host', to: '198.51.100.65', dev: 'eth0' });
    expectSandboxed(model);
    expect(teardownLines(model).filter((l) => !l.includes('remove-file'))).toEqual(['ip netns del nslab-p1-c2', 'ip netns del nslab-p1-c1', 'ip netns del nslab-p1-wan', 'ip netns del nslab-p1-host']);
  });
});
