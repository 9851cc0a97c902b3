import { describe, expect, it } from 'vitest';
import { isGone } from '../../../src/apply/teardown.js';
import { cmd } from '../../../src/exec/command.js';

// Teardown takes "already gone" as done, so it can be repeated; each tool's own words for
// it, and nothing worded alike from another tool or another failure.
describe('an undo whose object is already gone', () => {
  it.each([
    ['ip', 'Cannot find device "veth1234567"'],
    ['ip', 'Cannot remove namespace file "/run/netns/nslab-x-web": No such file or directory'],
    ['ip', 'Error: ipv4: Address not found.'],
    ['ip', 'Error: FIB table does not exist.'],
    ['ip', 'RTNETLINK answers: No such process'],
    ['iptables', 'iptables: Bad rule (does a matching rule exist in that chain?).'],
    ['iptables', 'iptables: No chain/target/match by that name.'],
    ['nft', 'Error: Could not process rule: No such file or directory'],
    ['bridge', 'Cannot find bridge device "veth1"'],
    ['brctl', "bridge nobr doesn't exist; can't delete it"],
    ['sysctl', 'sysctl: cannot stat /proc/sys/net/ipv4/conf/br-x/route_localnet: No such file or directory'],
    ['iptables', 'Cannot open network namespace "nslab-x-host": No such file or directory'],
  ])('%s: %s is done', (file, stderr) => {
    expect(isGone(cmd(file, []), stderr)).toBe(true);
  });

  it.each([
    ['iptables', "iptables v1.8.9 (nf_tables): Couldn't load match `conntrack':No such file or directory"],
    ['ip', 'RTNETLINK answers: Operation not permitted'],
    ['ip', 'RTNETLINK answers: File exists'],
    ['sysctl', 'sysctl: permission denied on key "net.ipv4.ip_forward"'],
    ['brctl', 'device eth0 is busy'],
  ])('%s: %s is a real failure', (file, stderr) => {
    expect(isGone(cmd(file, []), stderr)).toBe(false);
  });
});
