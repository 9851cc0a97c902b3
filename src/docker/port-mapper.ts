import { join } from 'node:path';
import type { Op } from '../ops/op.js';
import { daemonStart } from '../ops/process.js';
import type { Endpoint } from './cnm.js';
import type { Firewaller, FirewallNetwork, PortBinding } from './firewall/firewaller.js';
import type { Profile } from './profile.js';

// What `docker run -p` sets up (libnetwork's portmapper): the firewall's DNAT and its
// accepts, and docker-proxy where dockerd runs it (--userland-proxy, the default).

export interface PortMapperHost {
  readonly hostNs: string | undefined;
  readonly profile: Profile;
  readonly fw: Firewaller;
  /** Where the proxies' pidfiles go. */
  readonly stateDir: string;
}

/** The ports of one endpoint: its rules, then one docker-proxy per port and host address. */
export function mapPorts(host: PortMapperHost, network: FirewallNetwork, endpoint: Endpoint, asked: readonly PortBinding[]): Op[] {
  if (asked.length === 0) return [];
  // Routed mode (IPv4) binds no IPv4 host port (HostPort 0, disableNAT): no DNAT and no IPv4
  // proxy, only the container's port let in from outside. The IPv6 gateway mode is still nat,
  // so the [::] binding keeps its proxy to the container's IPv4 address (a real 28.5.2 runs it).
  const routed = network.gatewayMode === 'routed';
  const ports = routed ? asked.map((p) => ({ ...p, hostPort: 0 })) : asked;
  // A port on every address gets a proxy for 0.0.0.0 and one for the IPv6 any address, as
  // Docker binds both ([::] in docker ps). UDP ports get one too (Docker runs docker-proxy
  // -proto udp), but SCTP's none here.
  const proxies = host.profile.userlandProxy
    ? asked
        .flatMap((p) => (p.hostIp ? [[p, p.hostIp, '']] : [[p, '0.0.0.0', ''], [p, '::', '-v6']]) as [PortBinding, string, string][])
        .filter(([, ip]) => !routed || ip.includes(':'))
        .map(([p, ip, suffix]) =>
          daemonStart(host.hostNs, join(host.stateDir, 'pids'), `docker-proxy-${endpoint.container}-${p.hostPort}${p.protocol === 'udp' ? '-udp' : ''}${suffix}`, [
            `${p.protocol}-proxy`,
            ip,
            String(p.hostPort),
            endpoint.address,
            String(p.containerPort),
          ]),
        )
    : [];
  return [...host.fw.addPorts(network, endpoint, ports), ...proxies];
}
