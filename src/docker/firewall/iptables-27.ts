import type { Op } from '../../ops/op.js';
import type { Firewaller, FirewallEndpoint, FirewallNetwork, FirewallPlacement, PortBinding } from './firewaller.js';
import { dport, hostAddress, iptablesWriter } from './iptables-rules.js';

// Docker 27 and older ("classic"): each network's rules straight in FORWARD, kept below the
// two jumps dockerd re-inserts at the top on every network create (DOCKER-USER, then
// DOCKER-ISOLATION-STAGE-1), and both isolation stages and DOCKER-USER end in RETURN.
// Checked against moby v27.5.1, libnetwork/drivers/bridge/setup_ip_tables_linux.go
// (setupIPTablesInternal, setIcc, setINC) and iptables/iptables.go (ProgramChain).

const STAGE1 = 'DOCKER-ISOLATION-STAGE-1';
const STAGE2 = 'DOCKER-ISOLATION-STAGE-2';
/** Below FORWARD's two jumps. */
const BELOW_JUMPS = 3;

export function iptables27(p: FirewallPlacement): Firewaller {
  const w = iptablesWriter(p);
  return {
    name: 'iptables, Docker 27',
    daemon: () => [
      ...w.forwarding(),
      w.chain('filter', 'DOCKER'),
      w.chain('filter', STAGE1),
      w.chain('filter', STAGE2),
      w.chain('filter', 'DOCKER-USER'),
      w.append('filter', 'FORWARD', '-j', 'DOCKER-USER'),
      w.append('filter', 'FORWARD', '-j', STAGE1),
      w.append('filter', STAGE1, '-j', 'RETURN'),
      w.append('filter', STAGE2, '-j', 'RETURN'),
      w.append('filter', 'DOCKER-USER', '-j', 'RETURN'),
      w.chain('nat', 'DOCKER'),
      w.append('nat', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER'),
      w.append('nat', 'OUTPUT', ...(p.userlandProxy ? ['!', '-d', w.loopback] : []), '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER'),
    ],
    newNetwork: (n: FirewallNetwork): Op[] => {
      const br = n.bridge;
      if (n.internal) {
        return [
          w.insert('filter', STAGE1, undefined, '!', '-d', n.subnet, '-i', br, '-j', 'DROP'),
          w.insert('filter', STAGE1, undefined, '!', '-s', n.subnet, '-o', br, '-j', 'DROP'),
          w.insert('filter', 'FORWARD', BELOW_JUMPS, '-i', br, '-o', br, '-j', n.icc ? 'ACCEPT' : 'DROP'),
        ];
      }
      // gateway_mode_ipv4=routed (27.0): no NAT at all, so no skip-DNAT either (setupIPTablesInternal).
      const nat = n.masquerade && n.gatewayMode !== 'routed';
      return [
        ...(nat ? [w.insert('nat', 'POSTROUTING', undefined, '-s', n.subnet, '!', '-o', br, '-j', 'MASQUERADE')] : []),
        ...(nat && p.userlandProxy ? [w.insert('nat', 'DOCKER', undefined, '-i', br, '-j', 'RETURN')] : []),
        ...(p.userlandProxy ? [] : [w.insert('nat', 'POSTROUTING', undefined, '-o', br, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', 'MASQUERADE')]),
        // setIcc: ACCEPT is inserted, DROP appended.
        n.icc ? w.insert('filter', 'FORWARD', BELOW_JUMPS, '-i', br, '-o', br, '-j', 'ACCEPT') : w.append('filter', 'FORWARD', '-i', br, '-o', br, '-j', 'DROP'),
        w.insert('filter', 'FORWARD', BELOW_JUMPS, '-i', br, '!', '-o', br, '-j', 'ACCEPT'),
        w.insert('filter', 'FORWARD', BELOW_JUMPS, '-o', br, '-j', 'DOCKER'),
        w.insert('filter', 'FORWARD', BELOW_JUMPS, '-o', br, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
        w.insert('filter', STAGE1, undefined, '-i', br, '!', '-o', br, '-j', STAGE2),
        w.insert('filter', STAGE2, undefined, '-o', br, '-j', 'DROP'),
      ];
    },
    // No per-endpoint rules before 28.0's direct-access DROP.
    addEndpoint: (_n: FirewallNetwork, _ep: FirewallEndpoint): Op[] => [],
    addPorts: (n, ep, ports: readonly PortBinding[]) =>
      ports.flatMap((b) => {
        const accept = w.append('filter', 'DOCKER', '-d', w.host(ep.address), '!', '-i', n.bridge, '-o', n.bridge, ...dport(b.protocol, b.containerPort), '-j', 'ACCEPT');
        // HostPort 0 (routed mode: bindHostPorts with disableNAT): no per-port NAT.
        if (b.hostPort === 0) return [accept];
        return [
          accept,
          // ≤27 adds the hairpin MASQUERADE whatever the proxy setting.
          w.append('nat', 'POSTROUTING', '-s', w.host(ep.address), '-d', w.host(ep.address), ...dport(b.protocol, b.containerPort), '-j', 'MASQUERADE'),
          w.append('nat', 'DOCKER', ...hostAddress(b, w), ...(p.userlandProxy ? ['!', '-i', n.bridge] : []), ...dport(b.protocol, b.hostPort), '-j', 'DNAT', '--to-destination', w.to(ep.address, b.containerPort)),
        ];
      }),
    show: w.show,
  };
}
