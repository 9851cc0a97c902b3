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
  /** The ip6tables half, asked for only on a network with IPv6. */
  readonly fw6: () => Firewaller;
  /** Where the proxies' pidfiles go. */
  readonly stateDir: string;
}

/**
 * The ports of one endpoint: its rules, then one docker-proxy per port and host address. On
 * a network with IPv6 the [::] binding is the container's IPv6 address's: ip6tables DNATs it
 * and its proxy goes there; without, the proxy alone takes [::] to the IPv4 address.
 */
export function mapPorts(host: PortMapperHost, net: { readonly firewall: FirewallNetwork; readonly firewall6?: FirewallNetwork | undefined }, endpoint: Endpoint, asked: readonly PortBinding[]): Op[] {
  if (asked.length === 0) return [];
  const network = net.firewall;
  const v6 = net.firewall6 && endpoint.address6 ? { fw: host.fw6(), network: net.firewall6 } : undefined;
  // Routed mode binds no host port of that family (HostPort 0, disableNAT): no DNAT and no
  // proxy, only the container's port let in from outside. With IPv4 routed and no IPv6 on
  // the network, the [::] binding keeps its proxy to the container's IPv4 address (a real
  // 28.5.2 runs it).
  const routed = network.gatewayMode === 'routed';
  const routed6 = v6?.network.gatewayMode === 'routed';
  const target6 = v6 && endpoint.address6 ? endpoint.address6 : endpoint.address;
  const ports = routed ? asked.map((p) => ({ ...p, hostPort: 0 })) : asked;
  const ports6 = asked.filter((p) => p.hostIp === undefined || p.hostIp.includes(':')).map((p) => (routed6 ? { ...p, hostPort: 0 } : p));
  // A port on every address gets a proxy for 0.0.0.0 and one for the IPv6 any address, as
  // Docker binds both ([::] in docker ps). UDP ports get one too (Docker runs docker-proxy
  // -proto udp), but SCTP's none here.
  const proxies = host.profile.userlandProxy
    ? asked
        .flatMap((p) => (p.hostIp ? [[p, p.hostIp, '']] : [[p, '0.0.0.0', ''], [p, '::', '-v6']]) as [PortBinding, string, string][])
        .filter(([, ip]) => (ip.includes(':') ? !routed6 : !routed))
        .map(([p, ip, suffix]) =>
          daemonStart(host.hostNs, join(host.stateDir, 'pids'), `docker-proxy-${endpoint.container}-${p.hostPort}${p.protocol === 'udp' ? '-udp' : ''}${suffix}`, [
            `${p.protocol}-proxy`,
            ip,
            String(p.hostPort),
            ip.includes(':') ? target6 : endpoint.address,
            String(p.containerPort),
          ]),
        )
    : [];
  const rules6 = v6 && endpoint.address6 ? v6.fw.addPorts(v6.network, { address: endpoint.address6 }, ports6) : [];
  return [...host.fw.addPorts(network, endpoint, ports.filter((p) => !p.hostIp?.includes(':'))), ...rules6, ...proxies];
}
