import { describe, expect, it } from 'vitest';
import type { Firewaller, FirewallNetwork, PortBinding } from '../../../../src/docker/firewall/firewaller.js';
import { iptables27 } from '../../../../src/docker/firewall/iptables-27.js';
import { iptables28 } from '../../../../src/docker/firewall/iptables-28.js';
import { iptables29 } from '../../../../src/docker/firewall/iptables-29.js';
import { iptablesListing } from '../../../../src/docker/firewall/iptables-listing.js';
import { parseRuleListing, type RuleListing } from '../../../../src/kernel/iptables-save.js';
import type { Op } from '../../../../src/ops/op.js';
import { fixtureListing, mobyDoc, mobyGolden } from './moby-fixtures.js';

// Each layout renders moby's own scenarios; the result must be moby's listing, rule for rule
// and in order. One difference is on purpose and applied to moby's side: the doc daemon found
// ip_forward already on, so it left FORWARD's policy ACCEPT; nslab's docker host starts with
// forwarding off, and dockerd then sets the policy to DROP (setup_ip_forwarding.go).

const HOST = 'nslab-t-host';
const net = (bridge: string, subnet: string, more: Partial<FirewallNetwork> = {}): FirewallNetwork => ({ bridge, subnet, internal: false, icc: true, masquerade: true, ...more });
const docker0 = net('docker0', '172.17.0.0/16');
const bridge1 = net('bridge1', '192.0.2.0/24');
const port8080: PortBinding = { protocol: 'tcp', hostPort: 8080, containerPort: 80 };

type Layout = (p: { ns: string | undefined; userlandProxy: boolean; family?: 4 | 6 }) => Firewaller;

/** dockerd starts (docker0), then `docker network create` and `docker run` for each case. */
function scenario(layout: Layout, build: (fw: Firewaller) => Op[], userlandProxy = true): RuleListing {
  const fw = layout({ ns: HOST, userlandProxy });
  return parseRuleListing(iptablesListing([...fw.daemon(), ...fw.newNetwork(docker0), ...build(fw)], HOST));
}

const withForwardDrop = (l: RuleListing): RuleListing => ({ ...l, filter: (l.filter ?? []).map((r) => (r === '-P FORWARD ACCEPT' ? '-P FORWARD DROP' : r)) });

const portmap = (fw: Firewaller, b: PortBinding = port8080, n = bridge1) => [...fw.newNetwork(n), ...fw.addEndpoint(n, { address: '192.0.2.2' }), ...fw.addPorts(n, { address: '192.0.2.2' }, [b])];
const internal = (fw: Firewaller) => {
  const icc = net('bridgeICC', '192.0.2.0/24', { internal: true, masquerade: false });
  const noIcc = net('bridgeNoICC', '198.51.100.0/24', { internal: true, icc: false, masquerade: false });
  return [...fw.newNetwork(icc), ...fw.addEndpoint(icc, { address: '192.0.2.2' }), ...fw.newNetwork(noIcc), ...fw.addEndpoint(noIcc, { address: '198.51.100.2' })];
};

const CASES: { page: string; build: (fw: Firewaller) => Op[]; proxy?: boolean }[] = [
  { page: 'new-daemon', build: () => [] },
  { page: 'usernet-portmap', build: (fw) => portmap(fw) },
  { page: 'usernet-portmap-noproxy', build: (fw) => portmap(fw), proxy: false },
  { page: 'usernet-portmap-noicc', build: (fw) => portmap(fw, port8080, { ...bridge1, icc: false }) },
  { page: 'usernet-portmap-lo', build: (fw) => portmap(fw, { ...port8080, hostIp: '127.0.0.1' }) },
  { page: 'usernet-internal', build: internal },
  // The real daemon's port mapper binds no host port in routed mode (src/docker/port-mapper.ts does the same).
  { page: 'usernet-portmap-routed', build: (fw) => portmap(fw, { ...port8080, hostPort: 0 }, { ...bridge1, gatewayMode: 'routed' }) },
  { page: 'usernet-portmap-natunprot', build: (fw) => portmap(fw, port8080, { ...bridge1, gatewayMode: 'nat-unprotected' }) },
];

describe.each([
  { version: 'v29' as const, layout: iptables29 },
  { version: 'v28' as const, layout: iptables28 },
])('iptables layout of Docker $version against moby iptablesdoc', ({ version, layout }) => {
  it.each(CASES)('$page', ({ page, build, proxy }) => {
    const mine = scenario(layout, build, proxy ?? true);
    const moby = withForwardDrop(mobyDoc(version, page));
    // Some pages leave out a table (the raw one, mostly): compare the tables each page shows.
    expect(Object.keys(moby)).toContain('filter');
    for (const table of Object.keys(moby)) expect(mine[table] ?? [], `${version} ${page} ${table}`).toEqual(moby[table]);
  });
});

describe('iptables layout of Docker 29 against the bridge driver golden files', () => {
  // One network br-dummy, no docker0 and no DOCKER-USER (the controller adds that, not the driver).
  const dummy = net('br-dummy', '192.168.0.0/24');
  const withoutUserChain = (l: RuleListing): RuleListing => Object.fromEntries(Object.entries(l).map(([t, rules]) => [t, rules.filter((r) => !r.includes('DOCKER-USER'))]));
  it.each([
    { options: 'hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false', proxy: true, icc: true },
    { options: 'hairpin=true,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false', proxy: false, icc: true },
    { options: 'hairpin=false,internal=false,icc=false,masq=true,snat=false,gwm=nat,bindlh=false', proxy: true, icc: false },
    // The driver's own tests hand it a host port even in routed mode: the DNAT is there.
    { options: 'hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=routed,bindlh=false', proxy: true, icc: true, gatewayMode: 'routed' as const },
    { options: 'hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat-unprotected,bindlh=false', proxy: true, icc: true, gatewayMode: 'nat-unprotected' as const },
  ])('$options', ({ options, proxy, icc, gatewayMode }) => {
    const fw = iptables29({ ns: HOST, userlandProxy: proxy });
    const n = { ...dummy, icc, gatewayMode };
    const ops = [...fw.daemon(), ...fw.newNetwork(n), ...fw.addEndpoint(n, { address: '192.168.0.2' }), ...fw.addPorts(n, { address: '192.168.0.2' }, [port8080])];
    const mine = withoutUserChain(parseRuleListing(iptablesListing(ops, HOST)));
    const moby = withForwardDrop(parseRuleListing(mobyGolden('iptables', options)));
    for (const table of ['filter', 'nat']) expect(mine[table] ?? [], `${options} ${table}`).toEqual(moby[table] ?? []);
    // An empty raw table is listed where the kernel has one loaded: its rules are what counts.
    const rules = (l: RuleListing) => (l.raw ?? []).filter((r) => r.startsWith('-A '));
    expect(rules(mine), `${options} raw`).toEqual(rules(moby));
  });
});

describe('iptables layout of Docker 28 against the bridge driver golden files (v28.5.2)', () => {
  const dummy = net('br-dummy', '192.168.0.0/24');
  const withoutUserChain = (l: RuleListing): RuleListing => Object.fromEntries(Object.entries(l).map(([t, rules]) => [t, rules.filter((r) => !r.includes('DOCKER-USER'))]));
  it.each([
    { options: 'hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false', gatewayMode: undefined },
    { options: 'hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=routed,bindlh=false', gatewayMode: 'routed' as const },
    { options: 'hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat-unprotected,bindlh=false', gatewayMode: 'nat-unprotected' as const },
  ])('$options', ({ options, gatewayMode }) => {
    const fw = iptables28({ ns: HOST, userlandProxy: true });
    const n = { ...dummy, gatewayMode };
    const ops = [...fw.daemon(), ...fw.newNetwork(n), ...fw.addEndpoint(n, { address: '192.168.0.2' }), ...fw.addPorts(n, { address: '192.168.0.2' }, [port8080])];
    const mine = withoutUserChain(parseRuleListing(iptablesListing(ops, HOST)));
    const moby = withForwardDrop(parseRuleListing(mobyGolden('iptables', options, 'v28')));
    for (const table of ['filter', 'nat']) expect(mine[table] ?? [], `${options} ${table}`).toEqual(moby[table] ?? []);
    // An empty raw table is listed where the kernel has one loaded: its rules are what counts.
    const rules = (l: RuleListing) => (l.raw ?? []).filter((r) => r.startsWith('-A '));
    expect(rules(mine), `${options} raw`).toEqual(rules(moby));
  });
});

describe('iptables layout of Docker 27 (classic)', () => {
  it('renders the default bridge with -p 8080:80 as v27.5.1 does', () => {
    const fw = iptables27({ ns: HOST, userlandProxy: true });
    const ops = [...fw.daemon(), ...fw.newNetwork(docker0), ...fw.addPorts(docker0, { address: '172.17.0.2' }, [port8080])];
    const mine = parseRuleListing(iptablesListing(ops, HOST));
    const classic = fixtureListing('v27', 'classic-portmap.rules');
    for (const table of ['filter', 'nat']) expect(mine[table], table).toEqual(classic[table]);
    expect(mine.raw).toBeUndefined();
  });

  it("keeps a second network's FORWARD rules below the two jumps, above docker0's", () => {
    const fw = iptables27({ ns: HOST, userlandProxy: true });
    const mine = parseRuleListing(iptablesListing([...fw.daemon(), ...fw.newNetwork(docker0), ...fw.newNetwork(bridge1)], HOST));
    const forward = mine.filter!.filter((r) => r.startsWith('-A FORWARD'));
    expect(forward.slice(0, 3)).toEqual(['-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1', '-A FORWARD -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT']);
    expect(forward.indexOf('-A FORWARD -o docker0 -j DOCKER')).toBeGreaterThan(forward.indexOf('-A FORWARD -o bridge1 -j DOCKER'));
    expect(mine.filter).toContain('-A DOCKER-ISOLATION-STAGE-2 -o bridge1 -j DROP');
  });
});

describe('root-namespace mode', () => {
  it('tags every rule with the lab, so clean finds them without a journal', () => {
    const fw = iptables29({ ns: undefined, tag: 'nslab:t', userlandProxy: true });
    const rules = parseRuleListing(iptablesListing([...fw.daemon(), ...fw.newNetwork(docker0)], undefined));
    const added = Object.values(rules).flat().filter((r) => r.startsWith('-A '));
    expect(added.length).toBeGreaterThan(5);
    for (const r of added) expect(r).toContain('-m comment --comment nslab:t');
  });
});

describe('ip6tables: the same layouts for a network made with --ipv6, against the golden __ip6tables files', () => {
  // The golden network: fd49:efd7:54aa::/64 on br-dummy, its container at ::1, -p 8080:80.
  const dummy6 = net('br-dummy', 'fd49:efd7:54aa::/64');
  const withoutUserChain = (l: RuleListing): RuleListing => Object.fromEntries(Object.entries(l).map(([t, rules]) => [t, rules.filter((r) => !r.includes('DOCKER-USER'))]));
  it.each([
    { version: 'v29' as const, layout: iptables29, gwm: 'nat' as const },
    { version: 'v29' as const, layout: iptables29, gwm: 'routed' as const },
    { version: 'v28' as const, layout: iptables28, gwm: 'nat' as const },
    { version: 'v28' as const, layout: iptables28, gwm: 'routed' as const },
  ])('$version gwm=$gwm', ({ version, layout, gwm }) => {
    const options = `hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=${gwm},bindlh=false`;
    const fw = layout({ ns: HOST, userlandProxy: true, family: 6 });
    const n = { ...dummy6, gatewayMode: gwm };
    const ep = { address: 'fd49:efd7:54aa::1' };
    const ops = [...fw.daemon(), ...fw.newNetwork(n), ...fw.addEndpoint(n, ep), ...fw.addPorts(n, ep, [port8080])];
    expect(ops.every((op) => op.cmd.file !== 'iptables'), 'nothing of the IPv6 half goes to iptables').toBe(true);
    const mine = withoutUserChain(parseRuleListing(iptablesListing(ops, HOST, 'ip6tables')));
    const moby = withForwardDrop(parseRuleListing(mobyGolden('iptables', `${options}.ip6`, version)));
    for (const table of ['filter', 'nat']) expect(mine[table] ?? [], `${version} ${gwm} ${table}`).toEqual(moby[table] ?? []);
    const rules = (l: RuleListing) => (l.raw ?? []).filter((r) => r.startsWith('-A '));
    expect(rules(mine), `${version} ${gwm} raw`).toEqual(rules(moby));
  });

  it('turns IPv6 forwarding on as setupIPv6Forwarding does: default, then all, then the ip6tables DROP policy', () => {
    const fw = iptables28({ ns: HOST, userlandProxy: true, family: 6 });
    const first = fw.daemon().slice(0, 3).map((op) => [op.cmd.file, ...op.cmd.args].join(' '));
    expect(first).toEqual(['sysctl -w net.ipv6.conf.default.forwarding=1', 'sysctl -w net.ipv6.conf.all.forwarding=1', 'ip6tables -w -t filter -P FORWARD DROP']);
  });

  it('27 writes the IPv6 DNAT without the link-local skip 28 added', () => {
    const fw = iptables27({ ns: HOST, userlandProxy: true, family: 6 });
    const n = net('br-dummy', 'fd49:efd7:54aa::/64');
    const ops = [...fw.daemon(), ...fw.newNetwork(n), ...fw.addPorts(n, { address: 'fd49:efd7:54aa::2' }, [port8080])];
    const nat = parseRuleListing(iptablesListing(ops, HOST, 'ip6tables')).nat ?? [];
    expect(nat).toContain('-A DOCKER ! -i br-dummy -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd49:efd7:54aa::2]:80');
    expect(nat).toContain('-A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j DOCKER');
    expect(nat).toContain('-A POSTROUTING -s fd49:efd7:54aa::/64 ! -o br-dummy -j MASQUERADE');
  });
});
