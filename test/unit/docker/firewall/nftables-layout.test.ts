import { describe, expect, it } from 'vitest';
import type { Firewaller, FirewallNetwork, PortBinding } from '../../../../src/docker/firewall/firewaller.js';
import { nftables29 } from '../../../../src/docker/firewall/nftables-29.js';
import { nftListing } from '../../../../src/docker/firewall/nftables-listing.js';
import { stableNft } from '../../../../src/kernel/nft-listing.js';
import type { Op } from '../../../../src/ops/op.js';
import { mobyGolden, mobyNftDoc } from './moby-fixtures.js';

// Docker 29's nftables backend renders moby's own scenarios; the table must be moby's,
// chain for chain and rule for rule (counter values and indentation folded).

const HOST = 'nslab-t-host';
const net = (bridge: string, subnet: string, more: Partial<FirewallNetwork> = {}): FirewallNetwork => ({ bridge, subnet, internal: false, icc: true, masquerade: true, ...more });
const port8080: PortBinding = { protocol: 'tcp', hostPort: 8080, containerPort: 80 };
const withPort = (fw: Firewaller, n: FirewallNetwork, address: string, b = port8080): Op[] => [...fw.newNetwork(n), ...fw.addEndpoint(n, { address }), ...fw.addPorts(n, { address }, [b])];

describe('nftables layout of Docker 29 against the bridge driver golden files', () => {
  it.each([
    { options: 'hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false', proxy: true, icc: true },
    { options: 'hairpin=true,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false', proxy: false, icc: true },
    { options: 'hairpin=false,internal=false,icc=false,masq=true,snat=false,gwm=nat,bindlh=false', proxy: true, icc: false },
    { options: 'hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=routed,bindlh=false', proxy: true, icc: true, gatewayMode: 'routed' as const },
    { options: 'hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat-unprotected,bindlh=false', proxy: true, icc: true, gatewayMode: 'nat-unprotected' as const },
  ])('$options', ({ options, proxy, icc, gatewayMode }) => {
    const fw = nftables29({ ns: HOST, userlandProxy: proxy });
    const mine = nftListing([...fw.daemon(), ...withPort(fw, net('br-dummy', '192.168.0.0/24', { icc, gatewayMode }), '192.168.0.2')], HOST);
    // Exactly, counters included: the golden files print `counter packets 0 bytes 0` too.
    expect(mine).toBe(mobyGolden('nftables', options));
  });
});

describe('nftables layout of Docker 29 against moby nftablesdoc', () => {
  const docker0 = net('docker0', '172.17.0.0/16');
  const bridge1 = net('bridge1', '192.0.2.0/24');
  it.each([
    { page: 'new-daemon', build: () => [] as Op[], proxy: true },
    { page: 'usernet-portmap', build: (fw: Firewaller) => withPort(fw, bridge1, '192.0.2.2'), proxy: true },
    { page: 'usernet-portmap-noproxy', build: (fw: Firewaller) => withPort(fw, bridge1, '192.0.2.2'), proxy: false },
    { page: 'usernet-portmap-lo', build: (fw: Firewaller) => withPort(fw, bridge1, '192.0.2.2', { ...port8080, hostIp: '127.0.0.1' }), proxy: true },
    // The real daemon's port mapper binds no host port in routed mode.
    { page: 'usernet-portmap-routed', build: (fw: Firewaller) => withPort(fw, { ...bridge1, gatewayMode: 'routed' }, '192.0.2.2', { ...port8080, hostPort: 0 }), proxy: true },
    { page: 'usernet-portmap-natunprot', build: (fw: Firewaller) => withPort(fw, { ...bridge1, gatewayMode: 'nat-unprotected' }, '192.0.2.2'), proxy: true },
    {
      page: 'usernet-internal',
      build: (fw: Firewaller) => {
        const a = net('bridgeICC', '192.0.2.0/24', { internal: true, masquerade: false });
        const b = net('bridgeNoICC', '198.51.100.0/24', { internal: true, icc: false, masquerade: false });
        return [...fw.newNetwork(a), ...fw.addEndpoint(a, { address: '192.0.2.2' }), ...fw.newNetwork(b), ...fw.addEndpoint(b, { address: '198.51.100.2' })];
      },
      proxy: true,
    },
  ])('$page', ({ page, build, proxy }) => {
    const fw = nftables29({ ns: HOST, userlandProxy: proxy });
    const mine = nftListing([...fw.daemon(), ...fw.newNetwork(docker0), ...build(fw)], HOST);
    expect(stableNft(mine)).toEqual(stableNft(mobyNftDoc(page)));
  });

  it('writes no iptables rule and no DOCKER-USER', () => {
    const fw = nftables29({ ns: HOST, userlandProxy: true });
    const ops = [...fw.daemon(), ...withPort(fw, bridge1, '192.0.2.2')];
    expect(ops.filter((o) => o.cmd.file === 'iptables')).toEqual([]);
    expect(nftListing(ops, HOST)).not.toContain('DOCKER-USER');
  });
});

describe('nftables: the ip6 docker-bridges table of a network made with --ipv6, against the golden __ip6 files', () => {
  it.each(['nat', 'routed'] as const)('gwm=%s', (gwm) => {
    const options = `hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=${gwm},bindlh=false`;
    const fw = nftables29({ ns: HOST, userlandProxy: true, family: 6 });
    const ops = [...fw.daemon(), ...withPort(fw, net('br-dummy', 'fd49:efd7:54aa::/64', { gatewayMode: gwm }), 'fd49:efd7:54aa::1')];
    expect(ops.filter((op) => op.cmd.file === 'nft').every((op) => op.cmd.args.includes('ip6')), 'every nft op is in the ip6 family').toBe(true);
    expect(nftListing(ops, HOST, 'docker-bridges', 'ip6')).toBe(mobyGolden('nftables', `${options}.ip6`));
  });
});
