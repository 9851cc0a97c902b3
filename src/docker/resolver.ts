import { join } from 'node:path';
import type { Op } from '../ops/op.js';
import { daemonStart, daemonStop } from '../ops/process.js';
import { isLoopbackAddress } from './container-files.js';
import type { Endpoint } from './cnm.js';
import type { Network, Sandbox } from './cnm.js';
import { dnsRecord, dnsRecordRemove, embeddedResolver, resolverJoins, resolverLeaves, resolverName, type DnsLayout } from './embedded-dns.js';
import type { Profile } from './profile.js';

/** The relay's daemon name (its pidfile) for a container. */
const relayName = (container: string): string => `dns-relay-${container}`;

// The embedded DNS as dockerd runs it (libnetwork resolver.go, sandbox_dns_unix.go): which
// containers get a resolver, which names each network's DNS holds, and where a resolver
// forwards what it does not know. The ops themselves are embedded-dns.ts's.

export interface ResolverHost {
  readonly dns: DnsLayout;
  readonly profile: Profile;
  /** The docker host's namespace, where a relay asks what Docker asks from there. */
  readonly hostNs: string | undefined;
  /** The docker host's own resolver as of now; undefined: it has none. */
  readonly nameserver: () => string | undefined;
  /** false: the docker host has no uplink, so its nameserver is out of reach. */
  readonly uplink?: boolean | undefined;
}

export class Resolvers {
  /** Containers whose embedded DNS runs: it starts with the first user network and stays until rm. */
  readonly #running = new Set<string>();
  /** Of those, the ones whose upstream is asked through a relay in the host's namespace. */
  readonly #relayed = new Set<string>();

  constructor(
    readonly host: ResolverHost,
    readonly isInternal: (network: string) => boolean,
  ) {}

  /**
   * An endpoint joined: on a user-defined network (daemon/network.go disables the embedded DNS
   * on the default bridge) its names go into the network's DNS; the first such network starts
   * the container's resolver, later ones join its view.
   */
  join(network: Network, sandbox: Sandbox, endpoint: Endpoint, names: readonly string[]): Op[] {
    if (network.isDefault) return [];
    const record = dnsRecord(this.host.dns, network.name, sandbox.container, endpoint.address, names);
    if (this.#running.has(sandbox.container)) return [record, resolverJoins(this.host.dns, sandbox.container, network.name)];
    this.#running.add(sandbox.container);
    const { upstream, relay } = this.#forwarding(sandbox);
    if (relay.length) this.#relayed.add(sandbox.container);
    return [record, ...relay, ...embeddedResolver(this.host.dns, { name: sandbox.container, ns: sandbox.ns }, [network.name], { upstream, firewall: this.host.profile.firewall })];
  }

  /** An endpoint left: its names go from the network's DNS, and the network from the resolver's view. */
  leave(network: Network, container: string, endpoint: Endpoint): Op[] {
    if (network.isDefault || endpoint.gateway) return [];
    return [dnsRecordRemove(this.host.dns, network.name, container, endpoint.address, endpoint.names), resolverLeaves(this.host.dns, container, network.name)];
  }

  /** docker rm: the resolver runs in the container's namespace, which outlives `ip netns del` while a process is in it. */
  stop(container: string): Op[] {
    const pids = join(this.host.dns.stateDir, 'pids');
    const relay = this.#relayed.delete(container) ? [daemonStop(pids, relayName(container))] : [];
    return this.#running.delete(container) ? [daemonStop(pids, resolverName(container)), ...relay] : [];
  }

  /**
   * Where the embedded DNS forwards what it does not know, and from which namespace. Docker 28
   * asks the host file's servers from the host's namespace, and not at all for a container with
   * no way out (only --internal networks: SERVFAIL); 27 asks them from the container's namespace,
   * where they fail if it has no way out, except a server on the host's loopback, which only the
   * host's namespace reaches. (Docker re-decides as endpoints come and go; nslab decides when the
   * resolver starts.)
   */
  #upstream(sandbox: Sandbox): { server: string; fromHost: boolean } | undefined {
    const server = this.host.nameserver();
    if (server === undefined) return undefined;
    // A server on the host's loopback (systemd-resolved's 127.0.0.53) is asked from the host's
    // namespace in every version (HostLoopback); from 28, every server is.
    const fromHost = this.host.profile.docker !== '27' || isLoopbackAddress(server);
    // Not from the host's namespace for a container with no way out (CVE-2024-29018): SERVFAIL.
    if (fromHost && !sandbox.endpoints.some((e) => !this.isInternal(e.network))) return undefined;
    // Asked from the host's namespace, a nameserver the host has no route to fails at once.
    if (fromHost && this.host.uplink === false) return undefined;
    return { server, fromHost };
  }

  /** The resolver's upstream as its server takes it, and the relay that asks from the host's namespace where Docker does. */
  #forwarding(sandbox: Sandbox): { upstream: string | undefined; relay: Op[] } {
    const up = this.#upstream(sandbox);
    if (!up?.fromHost) return { upstream: up?.server, relay: [] };
    const socket = join(this.host.dns.stateDir, 'dns-relay', `${sandbox.container}.sock`);
    return {
      upstream: `relay:${socket}|${up.server}`,
      relay: [daemonStart(this.host.hostNs, join(this.host.dns.stateDir, 'pids'), relayName(sandbox.container), ['dns-relay', socket])],
    };
  }
}
