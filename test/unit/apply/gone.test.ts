import { describe, expect, it } from 'vitest';
import { LABS } from '../../../labs/index.js';
import { instanceDir } from '../../../src/lifecycle/state.js';
import { undoIsGone, type Gone } from '../../../src/ops/gone.js';
import { addrAdd, bridgeAdd, bridgePortHairpin, linkDown, linkSetMaster, linkUp, macvlanAdd, netnsAdd, routeAdd, vethAdd, vxlanAdd } from '../../../src/ops/ip.js';
import { chainNew, policySet, ruleAppend, tableAdopt } from '../../../src/ops/iptables.js';
import type { Op } from '../../../src/ops/op.js';
import { sysctlSet } from '../../../src/ops/sysctl.js';
import { planOps } from '../../../src/plan/plan.js';

// Teardown takes "already gone" as done, so it can be repeated. Each op says what kind of
// object its undo removes, and only that kind's not-found counts: the words each tool really
// prints when the object is gone (left), and a failure worded alike that is not (right).
const rule = { table: 'nat' as const, chain: 'POSTROUTING', match: ['-s', '172.17.0.0/16'], target: ['-j', 'MASQUERADE'] };
const cases: [string, Op, gone: string[], notGone: string[]][] = [
  ['ip netns add', netnsAdd('nslab-x-c1'), ['Cannot remove namespace file "/run/netns/nslab-x-c1": No such file or directory'], ['Cannot remove namespace file "/run/netns/nslab-x-c1": Device or resource busy']],
  ['ip link add veth', vethAdd({ ns: 'nslab-x-host', name: 'veth1', peerName: 'eth0', peerNs: 'nslab-x-c1' }), ['Cannot find device "veth1"'], ['RTNETLINK answers: Operation not permitted']],
  ['bridge (ip)', bridgeAdd('nslab-x-host', 'docker0', { brctl: false }), ['Cannot find device "docker0"'], ['RTNETLINK answers: Operation not supported']],
  ['macvlan child', macvlanAdd('nslab-x-host', 'eth0', 'mv0', 'nslab-x-c1'), ['Cannot find device "mv0"'], ['RTNETLINK answers: Device or resource busy']],
  ['vxlan', vxlanAdd('nslab-x-h1', { name: 'vx0', vni: 42, dstport: 4789, local: '10.0.0.1', remote: '10.0.0.2', dev: 'eth0' }), ['Cannot find device "vx0"'], ['RTNETLINK answers: File exists']],
  ['link up', linkUp('nslab-x-c1', 'eth0'), ['Cannot find device "eth0"'], ['RTNETLINK answers: Operation not permitted']],
  ['link down', linkDown('nslab-x-c1', 'eth0'), ['Cannot find device "eth0"'], ['RTNETLINK answers: Operation not permitted']],
  ['hairpin', bridgePortHairpin('nslab-x-host', 'veth1'), ['Cannot find bridge device "veth1"'], ['RTNETLINK answers: Operation not supported']],
  ['port (ip)', linkSetMaster('nslab-x-host', 'veth1', 'docker0', { brctl: false }), ['Cannot find device "veth1"'], ['RTNETLINK answers: Operation not permitted']],
  // brctl delif: "not a bridge" means the name is something else now, which is not "gone".
  ['port (brctl)', linkSetMaster('nslab-x-host', 'veth1', 'docker0', { brctl: true }), ["bridge docker0 doesn't exist; can't delete it", 'device veth1 is not a member of docker0'], ['device docker0 is not a bridge', 'device veth1 is busy']],
  ['address', addrAdd('nslab-x-c1', 'eth0', '172.17.0.2/16'), ['RTNETLINK answers: Cannot assign requested address', 'Error: ipv4: Address not found.'], ['RTNETLINK answers: Operation not permitted']],
  ['route', routeAdd('nslab-x-c1', { to: 'default', via: '172.17.0.1' }), ['RTNETLINK answers: No such process', 'Error: FIB table does not exist.'], ['RTNETLINK answers: File exists']],
  ['iptables rule', ruleAppend('nslab-x-host', rule), ['iptables: Bad rule (does a matching rule exist in that chain?).', 'iptables: No chain/target/match by that name.'], ["iptables v1.8.11 (nf_tables): Couldn't load match `conntrack':No such file or directory"]],
  ['iptables chain', chainNew('nslab-x-host', 'filter', 'DOCKER'), ['iptables: No chain/target/match by that name.'], ['iptables: Too many links.', 'iptables: Directory not empty.']],
  ['iptables policy', policySet('nslab-x-host', 'filter', 'FORWARD', 'DROP'), [], ['iptables: No chain/target/match by that name.']],
  ['nft table', tableAdopt(undefined, 'nat'), ['Error: Could not process rule: No such file or directory'], ['Error: Could not process rule: Device or resource busy']],
  ['sysctl', sysctlSet('nslab-x-host', 'net.ipv4.conf.br-x.route_localnet', '1'), ['sysctl: cannot stat /proc/sys/net/ipv4/conf/br-x/route_localnet: No such file or directory'], ['sysctl: permission denied on key "net.ipv4.ip_forward"']],
];

describe("each op's undo knows its own object's not-found", () => {
  it.each(cases)('%s', (_title, op, gone, notGone) => {
    expect(op.undoGone, 'the op declares the kind of object its undo removes').toBeDefined();
    for (const stderr of gone) expect(undoIsGone(op.undoGone, stderr), stderr).toBe(true);
    for (const stderr of notGone) expect(undoIsGone(op.undoGone, stderr), stderr).toBe(false);
    // In a namespace deleted already there is nothing left to undo, whatever the object.
    expect(undoIsGone(op.undoGone, 'Cannot open network namespace "nslab-x-host": No such file or directory')).toBe(true);
  });

  it("one kind's not-found is not another's: a missing device is no proof an iptables rule is gone", () => {
    expect(undoIsGone('iptables-rule', 'Cannot find device "veth1"')).toBe(false);
    expect(undoIsGone('netns', 'Cannot find device "veth1"')).toBe(false);
    expect(undoIsGone(undefined as Gone | undefined, 'Cannot find device "veth1"')).toBe(false);
  });

  it('every op any lab plans with an undo says what kind of object that undo removes', () => {
    for (const lab of LABS) {
      const model = lab.build({ name: 'g1', stateDir: instanceDir('g1'), env: { brctl: true }, options: {} });
      const silent = planOps(model.steps).filter((op) => (op.undo || op.capture) && op.undoGone === undefined);
      expect(silent.map((op) => op.summary), lab.id).toEqual([]);
    }
  });
});
