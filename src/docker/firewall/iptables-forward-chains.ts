import type { Op } from '../../ops/op.js';
import type { Firewaller, FirewallNetwork, FirewallPlacement, GatewayMode, PortBinding } from './firewaller.js';
import { dport, hostAddress, iptablesWriter, isLoopback } from './iptables-rules.js';

// The layout of 28.0.1 and later: FORWARD jumps to DOCKER-USER (left empty for the admin) and
// DOCKER-FORWARD, which hands traffic to DOCKER-CT (replies), an isolation chain,
// DOCKER-BRIDGE (new connections into a bridge, via DOCKER), then per-bridge ACCEPTs.
// Unpublished ports are dropped by `DOCKER ! -i br -o br -j DROP`, and from 28.2 a raw
// PREROUTING DROP per container refuses packets routed to it from outside its bridge.
// 28 and 29 differ only where `Generation` says (iptabler/*.go at docker-v29.7.2; v28.5.2).

export interface Generation {
  readonly docker: '28' | '29';
  /** 28: DOCKER-ISOLATION-STAGE-1/2 between bridges; 29: DOCKER-INTERNAL, for --internal only. */
  readonly isolation: 'stages' | 'internal-chain';
  /** 28 keeps `nat DOCKER -i br -j RETURN` (with the proxy on); 29 removed it. */
  readonly natReturn: boolean;
}

const mode = (n: FirewallNetwork): GatewayMode => n.gatewayMode ?? 'nat';

const STAGE1 = 'DOCKER-ISOLATION-STAGE-1';
const STAGE2 = 'DOCKER-ISOLATION-STAGE-2';

export function forwardChainsLayout(g: Generation, p: FirewallPlacement): Firewaller {
  const w = iptablesWriter(p);
  const isolationChain = g.isolation === 'stages' ? STAGE1 : 'DOCKER-INTERNAL';
  // iptabler/port.go: an IPv6 DNAT leaves link-local sources alone (28.0).
  const linkLocal = w.family === 6 ? ['!', '-s', 'fe80::/10'] : [];

  const internalNetwork = (n: FirewallNetwork): Op[] => [
    w.insert('filter', isolationChain, undefined, '!', '-d', n.subnet, '-i', n.bridge, '-j', 'DROP'),
    w.insert('filter', isolationChain, undefined, '!', '-s', n.subnet, '-o', n.bridge, '-j', 'DROP'),
    w.append('filter', 'DOCKER-FORWARD', '-i', n.bridge, '-o', n.bridge, '-j', n.icc ? 'ACCEPT' : 'DROP'),
  ];

  const natNetwork = (n: FirewallNetwork): Op[] => {
    if (!n.masquerade) return [];
    // Routed mode: no NAT for the network (28 keeps the skip-DNAT RETURN all the same).
    const nat = mode(n) !== 'routed';
    return [
      ...(nat ? [w.insert('nat', 'POSTROUTING', undefined, '-s', n.subnet, '!', '-o', n.bridge, '-j', 'MASQUERADE')] : []),
      // With the proxy off, the host's own connections to a published port are hairpinned.
      ...(p.userlandProxy || !nat ? [] : [w.insert('nat', 'POSTROUTING', undefined, '-o', n.bridge, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', 'MASQUERADE')]),
      ...(g.natReturn && p.userlandProxy ? [w.insert('nat', 'DOCKER', undefined, '-i', n.bridge, '-j', 'RETURN')] : []),
    ];
  };

  return {
    name: `iptables, Docker ${g.docker}`,
    daemon: () => [
      ...w.forwarding(),
      ...['DOCKER', 'DOCKER-BRIDGE', 'DOCKER-CT', 'DOCKER-FORWARD', ...(g.isolation === 'stages' ? [STAGE1, STAGE2] : ['DOCKER-INTERNAL']), 'DOCKER-USER'].map((c) => w.chain('filter', c)),
      w.append('filter', 'FORWARD', '-j', 'DOCKER-USER'),
      w.append('filter', 'FORWARD', '-j', 'DOCKER-FORWARD'),
      w.append('filter', 'DOCKER-FORWARD', '-j', 'DOCKER-CT'),
      w.append('filter', 'DOCKER-FORWARD', '-j', isolationChain),
      w.append('filter', 'DOCKER-FORWARD', '-j', 'DOCKER-BRIDGE'),
      w.chain('nat', 'DOCKER'),
      w.append('nat', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER'),
      w.append('nat', 'OUTPUT', ...(p.userlandProxy ? ['!', '-d', w.loopback] : []), '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER'),
    ],
    newNetwork: (n) => {
      if (n.internal) return internalNetwork(n);
      const br = n.bridge;
      const gw = mode(n);
      return [
        // setDefaultForwardRule: routed lets ICMP in; nat-unprotected lets everything in.
        ...(gw === 'routed' ? [w.append('filter', 'DOCKER', '-o', br, '-p', w.icmp, '-j', 'ACCEPT')] : []),
        w.append('filter', 'DOCKER', '!', '-i', br, '-o', br, '-j', gw === 'nat-unprotected' ? 'ACCEPT' : 'DROP'),
        w.append('filter', 'DOCKER-BRIDGE', '-o', br, '-j', 'DOCKER'),
        w.append('filter', 'DOCKER-CT', '-o', br, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
        ...(n.icc
          ? [w.append('filter', 'DOCKER-FORWARD', '-i', br, '-j', 'ACCEPT')]
          : [w.append('filter', 'DOCKER-FORWARD', '-i', br, '-o', br, '-j', 'DROP'), w.append('filter', 'DOCKER-FORWARD', '-i', br, '!', '-o', br, '-j', 'ACCEPT')]),
        ...(g.isolation === 'stages'
          ? [
              w.append('filter', STAGE1, '-i', br, '!', '-o', br, '-j', STAGE2),
              w.insert('filter', STAGE2, undefined, '-o', br, '-j', 'DROP'),
              // 28's routed network is reachable from other networks too: replies and all that enters it pass.
              ...(gw === 'routed'
                ? [w.insert('filter', STAGE1, undefined, '-o', br, '-j', 'RETURN'), w.insert('filter', STAGE1, undefined, '-i', br, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT')]
                : []),
            ]
          : []),
        ...natNetwork(n),
      ];
    },
    // filterDirectAccess (28.2+): a packet for the container that did not come in by its
    // bridge was routed here from elsewhere, which Docker refuses unless it is published.
    // Only nat mode refuses direct access: routed and nat-unprotected exist to be routed to.
    addEndpoint: (n, ep) => (n.internal || mode(n) !== 'nat' ? [] : [w.append('raw', 'PREROUTING', '-d', w.host(ep.address), '!', '-i', n.bridge, '-j', 'DROP')]),
    addPorts: (n, ep, ports: readonly PortBinding[]) =>
      ports.flatMap((b) => {
        const accept = w.insert('filter', 'DOCKER', undefined, '-d', w.host(ep.address), '!', '-i', n.bridge, '-o', n.bridge, ...dport(b.protocol, b.containerPort), '-j', 'ACCEPT');
        // No host port (routed mode's mapper binds none): only the container's port is let in.
        // nat-unprotected lets everything in already.
        if (b.hostPort === 0) return [accept];
        return [
          ...(mode(n) === 'nat-unprotected' ? [] : [accept]),
          ...(p.userlandProxy ? [] : [w.append('nat', 'POSTROUTING', '-s', w.host(ep.address), '-d', w.host(ep.address), ...dport(b.protocol, b.containerPort), '-j', 'MASQUERADE')]),
          w.append('nat', 'DOCKER', ...linkLocal, ...hostAddress(b, w), ...(p.userlandProxy ? ['!', '-i', n.bridge] : []), ...dport(b.protocol, b.hostPort), '-j', 'DNAT', '--to-destination', w.to(ep.address, b.containerPort)),
          // A port published on 127.0.0.1 must not be reachable from the host's L2 neighbours.
          ...(isLoopback(b) ? [w.append('raw', 'PREROUTING', '-d', w.host(b.hostIp!), '!', '-i', 'lo', ...dport(b.protocol, b.hostPort), '-j', 'DROP')] : []),
        ];
      }),
    show: w.show,
  };
}
