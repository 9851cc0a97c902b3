import { NslabError } from '../errors.js';
import { netnsEtcPath } from '../kernel/netns-fs.js';
import { EMBEDDED_DNS } from '../model/defaults.js';
import { fileRemove, fileRewrite, fileWrite } from '../ops/file.js';
import type { Op } from '../ops/op.js';
import type { Endpoint } from './cnm.js';
import type { Network, Sandbox } from './cnm.js';
import { etcHosts, resolvConf } from './container-files.js';
import type { Profile } from './profile.js';

// A container's /etc/hosts and /etc/resolv.conf over its life, as dockerd keeps them
// (container/container_unix.go, libnetwork/sandbox_dns_unix.go): written at run, written again
// when a connect or disconnect changes them, removed with the container. What each holds,
// word for word per version, is container-files.ts's.

interface Files {
  extra: readonly { name: string; address: string }[];
  addresses: string[];
  internal: boolean;
  hosts?: string[];
  resolv?: string[];
}

export class ContainerFiles {
  readonly #files = new Map<string, Files>();

  constructor(
    readonly profile: Profile,
    /** The docker host's resolver, named in resolv.conf where the embedded DNS is not. */
    readonly nameserver: () => string | undefined,
    readonly isDefault: (network: string) => boolean,
  ) {}

  /** A container with a namespace of its own: its files, first written. */
  run(sandbox: Sandbox, extra: readonly { name: string; address: string }[], addresses: string[]): Op[] {
    this.#files.set(sandbox.container, { extra, addresses, internal: false });
    return this.write(sandbox);
  }

  /** `network connect`: its address on the new network is a line of /etc/hosts too. */
  connect(sandbox: Sandbox, endpoint: Endpoint): Op[] {
    this.#files.get(sandbox.container)?.addresses.push(...hostsAddresses(endpoint));
    return this.write(sandbox);
  }

  /**
   * A disconnect's /etc/hosts. Docker 28 takes out the line of the endpoint's address. Docker
   * 27 (and 26) deletes every line that ends with a name the network's DNS knows for another
   * record (getSvcRecords): the container's short ID or hostname is one, so all its own lines
   * go; the default bridge has no such records, and its line stays.
   */
  disconnect(sandbox: Sandbox, network: Network, endpoint: Endpoint): Op[] {
    const state = this.#files.get(sandbox.container);
    if (!state) return [];
    if (this.profile.docker !== '27') state.addresses = state.addresses.filter((a) => !hostsAddresses(endpoint).includes(a));
    else if (!network.isDefault) state.addresses = [];
    return this.write(sandbox);
  }

  /** docker rm: the files go with the container (undone, they come back as they were). */
  remove(sandbox: Sandbox): Op[] {
    const state = this.#files.get(sandbox.container);
    this.#files.delete(sandbox.container);
    if (!state) return [];
    return (['hosts', 'resolv.conf'] as const).map((file) => fileRemove(netnsEtcPath(sandbox.ns, file), `remove /etc/${file} of ${sandbox.container}`, file === 'hosts' ? state.hosts : state.resolv));
  }

  /**
   * Both files as Docker writes them now: each written where it is new, rewritten where it
   * changed. A container that shares the host's or another's namespace has none of its own.
   */
  write(sandbox: Sandbox): Op[] {
    const state = this.#files.get(sandbox.container);
    if (!state) return [];
    const docker = this.profile.docker;
    state.internal ||= sandbox.endpoints.some((e) => !this.isDefault(e.network));
    const hosts = etcHosts({ docker, hostname: sandbox.hostname ?? sandbox.id.slice(0, 12), extra: state.extra, addresses: state.addresses });
    const server = this.nameserver();
    const resolv = resolvConf({ docker, hostNameservers: server ? [server] : [], internal: state.internal });
    const ops: Op[] = [];
    for (const [file, lines, before] of [['hosts', hosts, state.hosts], ['resolv.conf', resolv, state.resolv]] as const) {
      const path = netnsEtcPath(sandbox.ns, file);
      const what = file === 'hosts' ? hosts.slice(6).map((l) => l.replace('\t', ' ')).join(', ') || 'localhost' : state.internal ? `nameserver ${EMBEDDED_DNS}` : `the host's nameserver${server ? ` ${server}` : 's'}`;
      if (before === undefined) ops.push(fileWrite(path, lines, `write /etc/${file} for ${sandbox.container} (${what})`));
      else if (before.join('\n') !== lines.join('\n')) ops.push(fileRewrite(path, lines, before, `write /etc/${file} for ${sandbox.container} again (${what})`));
    }
    state.hosts = hosts;
    state.resolv = resolv;
    return ops;
  }
}

/** --add-host's entries, host-gateway resolved: the daemon's host-gateway-ip, by default the default bridge's gateway (daemon_unix.go setHostGatewayIP). */
export function extraHosts(extra: readonly { name: string; address: string }[], defaultGateway: string | undefined): { name: string; address: string }[] {
  return extra.map((h) => {
    const address = h.address === 'host-gateway' ? defaultGateway : h.address;
    if (address === undefined) throw new NslabError('host-gateway has no address: there is no default bridge', { hint: 'give the address itself: --add-host NAME:IP' });
    return { name: h.name, address };
  });
}

/** An endpoint's lines in /etc/hosts: its IPv4 address, then its IPv6 one on a network with --ipv6. */
export const hostsAddresses = (e: Pick<Endpoint, 'address' | 'address6'>): string[] => [e.address, ...(e.address6 ? [e.address6] : [])];
