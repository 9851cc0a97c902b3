import { createHash } from 'node:crypto';
import type { Interface } from '../kernel/ip-json.js';
import { matchVethPairs } from '../kernel/snapshot.js';
import { subnetContains, subnetOf } from '../model/ipam.js';
import type { LiveNamespace } from './world.js';

/** The fields of `docker network inspect` that live kernel state can answer. */
export interface NetworkInspect {
  readonly Name: string;
  readonly Id: string;
  /** When it was created; the sandbox engine's networks say (a lab's bridges, read from the kernel, do not). */
  readonly Created?: string;
  readonly Scope: 'local';
  readonly Driver: 'bridge' | 'macvlan';
  /** API 1.48 (Docker 28) and later. */
  readonly EnableIPv4?: boolean;
  readonly EnableIPv6: boolean;
  readonly IPAM: { Driver: 'default'; Options: Record<string, string> | null; Config: { Subnet: string; IPRange?: string; Gateway?: string }[] };
  readonly Internal: boolean;
  readonly Attachable: boolean;
  readonly Ingress: boolean;
  readonly ConfigFrom: { Network: string };
  readonly ConfigOnly: boolean;
  readonly Containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
  readonly Options: Record<string, string>;
  readonly Labels: Record<string, string>;
}

// Docker ids are 64 hex characters; these are derived from kernel names so they are stable.
const id = (...parts: string[]) => createHash('sha256').update(parts.join('/')).digest('hex');

/** Docker calls docker0's network "bridge"; every other bridge is named after itself. */
export const networkName = (bridge: string) => (bridge === 'docker0' ? 'bridge' : bridge);

/** Is there a MASQUERADE (or SNAT) rule that rewrites traffic leaving this bridge's subnet? */
function masquerades(host: LiveNamespace, bridge: Interface): boolean {
  const gateway = bridge.addresses[0]?.split('/')[0];
  return host.rules.rules.some(
    (r) =>
      r.table === 'nat' &&
      (r.target === 'MASQUERADE' || r.target === 'SNAT') &&
      (r.source === undefined || (gateway !== undefined && subnetContains(subnetOf(r.source.value), gateway) !== r.source.negated)) &&
      !(r.outIface && !r.outIface.negated && r.outIface.value === bridge.name),
  );
}

/** ICC off is `-i br -o br -j DROP` in the forward path. */
function iccDisabled(host: LiveNamespace, bridge: string): boolean {
  return host.rules.rules.some((r) => r.table === 'filter' && r.target === 'DROP' && r.inIface?.value === bridge && r.outIface?.value === bridge && !r.inIface.negated);
}

export function inspectNetworks(world: readonly LiveNamespace[]): NetworkInspect[] {
  const pairs = matchVethPairs(world);
  const byNode = new Map(world.map((w) => [w.node, w]));
  const out: NetworkInspect[] = [];
  for (const host of world) {
    for (const bridge of host.interfaces.filter((i) => i.kind === 'bridge')) {
      const subnets = bridge.addresses.map((a) => subnetOf(a));
      const containers: NetworkInspect['Containers'] = {};
      for (const port of host.interfaces.filter((i) => i.master === bridge.name)) {
        const pair = pairs.find(([a, b]) => (a.node === host.node && a.iface.index === port.index) || (b.node === host.node && b.iface.index === port.index));
        if (!pair) continue;
        const far = pair[0].node === host.node && pair[0].iface.index === port.index ? pair[1] : pair[0];
        const ns = byNode.get(far.node)?.ns ?? 'root';
        const address = far.iface.addresses.find((a) => subnets.some((s) => subnetContains(s, a.split('/')[0]!))) ?? far.iface.addresses[0] ?? '';
        containers[id('container', ns)] = {
          Name: far.node,
          EndpointID: id('endpoint', ns, far.iface.name, port.name),
          MacAddress: far.iface.mac ?? '',
          IPv4Address: address,
          IPv6Address: '',
        };
      }
      const masq = masquerades(host, bridge);
      out.push({
        Name: networkName(bridge.name),
        Id: id('network', host.ns ?? 'root', bridge.name),
        Scope: 'local',
        Driver: 'bridge',
        EnableIPv4: bridge.addresses.length > 0,
        EnableIPv6: false,
        IPAM: { Driver: 'default', Options: {}, Config: bridge.addresses.map((a) => ({ Subnet: subnetOf(a).cidr, Gateway: a.split('/')[0]! })) },
        Internal: !masq && !host.forwarding,
        Attachable: false,
        Ingress: false,
        ConfigFrom: { Network: '' },
        ConfigOnly: false,
        Containers: containers,
        Options: {
          ...(bridge.name === 'docker0' ? { 'com.docker.network.bridge.default_bridge': 'true' } : {}),
          'com.docker.network.bridge.enable_icc': String(!iccDisabled(host, bridge.name)),
          'com.docker.network.bridge.enable_ip_masquerade': String(masq),
          'com.docker.network.bridge.name': bridge.name,
          ...(bridge.mtu === undefined ? {} : { 'com.docker.network.driver.mtu': String(bridge.mtu) }),
          // Not Docker's: where the bridge lives, since nslab's "docker host" is a namespace.
          'nslab.namespace': host.ns ?? 'root',
        },
        Labels: {},
      });
    }
  }
  return out;
}

/** Docker accepts a network's name, its bridge's name, or a prefix of its id. */
export function selectNetwork(networks: readonly NetworkInspect[], wanted: string): NetworkInspect[] {
  return networks.filter((n) => n.Name === wanted || n.Options['com.docker.network.bridge.name'] === wanted || (wanted.length >= 3 && n.Id.startsWith(wanted)));
}

/** A macvlan network as the model names it: its children are found in the kernel by namespace and name. */
export interface MacvlanSpec {
  readonly name: string;
  readonly id: string;
  readonly subnet: string;
  readonly ipRange?: string | undefined;
  readonly gateway: string;
  readonly internal: boolean;
  readonly parent: string;
  readonly mode: string;
  readonly children: readonly { readonly id: string; readonly name: string; readonly ns: string; readonly ifname: string }[];
}

/**
 * `docker network inspect` of a macvlan network. Nothing in the host says which macvlan
 * children form a network (no bridge to list ports of), so the children come from the model
 * and what they are, MAC and address, from the kernel: a child that is not there is left out.
 */
export function inspectMacvlan(spec: MacvlanSpec, world: readonly LiveNamespace[]): NetworkInspect {
  const containers: NetworkInspect['Containers'] = {};
  for (const c of spec.children) {
    const iface = world.find((w) => w.ns === c.ns)?.interfaces.find((i) => i.name === c.ifname && i.kind === 'macvlan');
    if (!iface) continue;
    const address = iface.addresses.find((a) => subnetContains(subnetOf(spec.subnet), a.split('/')[0]!)) ?? '';
    containers[c.id] = { Name: c.name, EndpointID: id('endpoint', c.ns, c.ifname, spec.parent), MacAddress: iface.mac ?? '', IPv4Address: address, IPv6Address: '' };
  }
  return {
    Name: spec.name,
    Id: spec.id,
    Scope: 'local',
    Driver: 'macvlan',
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: spec.subnet, ...(spec.ipRange ? { IPRange: spec.ipRange } : {}), Gateway: spec.gateway }] },
    Internal: spec.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: { parent: spec.parent, macvlan_mode: spec.mode },
    Labels: {},
  };
}
