import { NslabError } from '../errors.js';
import { parseSubnet } from '../model/ipam.js';
import { validateIfName } from '../model/names.js';
import { MACVLAN_MODES, type MacvlanMode } from './macvlan-network.js';

// What the docker CLI accepts, checked the way dockerd checks it, before anything is built.

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,62}$/;
/** Nodes of the sandbox that are not containers. */
const RESERVED = ['host', 'wan'];

export function validateContainerName(name: string): string {
  if (!CONTAINER_NAME.test(name)) {
    throw new NslabError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, { hint: 'e.g. --name web' });
  }
  if (RESERVED.includes(name)) throw new NslabError(`container name ${name} is taken by the sandbox's own ${name} namespace`, { hint: 'pick another --name' });
  return name;
}

export function validateNetworkName(name: string): string {
  if (!CONTAINER_NAME.test(name)) throw new NslabError(`invalid network name ${JSON.stringify(name)}`, { hint: 'letters, digits, and _ . - after the first, e.g. my_bridge' });
  return name;
}

/** `--add-host name:ip` or `name:host-gateway` (kept as is: the engine knows the host's address). */
export function parseAddHost(spec: string): { name: string; address: string } {
  const i = spec.lastIndexOf(':');
  const name = spec.slice(0, i);
  const value = spec.slice(i + 1);
  if (i <= 0 || !value) throw new NslabError(`invalid argument "${spec}" for "--add-host" flag`, { hint: 'write it as name:ip or name:host-gateway' });
  if (value !== 'host-gateway') parseSubnet(`${value}/32`);
  return { name, address: value };
}

/** The options `network create` takes for a driver, from `-o key=value`. */
export interface DriverOptions {
  bridgeName?: string;
  icc?: boolean;
  /** com.docker.network.driver.mtu: the bridge's and every veth's MTU. */
  mtu?: number;
  /** com.docker.network.bridge.gateway_mode_ipv4, as given (the driver refuses what its version lacks). */
  gatewayMode?: string;
  /** com.docker.network.bridge.gateway_mode_ipv6, as given. */
  gatewayMode6?: string;
  parent?: string;
  macvlanMode?: MacvlanMode;
}

/** `-o key=value` driver options nslab acts on, each for its driver; others are refused by name. */
export function parseDriverOptions(specs: readonly string[], driver: string = 'bridge'): DriverOptions {
  const out: DriverOptions = {};
  const mine = driver === 'macvlan' ? 'parent=..., macvlan_mode=bridge|private|vepa|passthru' : 'com.docker.network.bridge.name=..., com.docker.network.bridge.enable_icc=false, com.docker.network.bridge.gateway_mode_ipv4=nat|nat-unprotected|routed|isolated, com.docker.network.bridge.gateway_mode_ipv6=nat|routed and com.docker.network.driver.mtu=N';
  for (const spec of specs) {
    const [key, value] = [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)];
    if (driver === 'bridge' && key === 'com.docker.network.bridge.name') out.bridgeName = value;
    else if (driver === 'bridge' && key === 'com.docker.network.bridge.enable_icc') out.icc = value !== 'false';
    else if (driver === 'bridge' && key === 'com.docker.network.driver.mtu') out.mtu = parseMtu(value);
    else if (driver === 'bridge' && key === 'com.docker.network.bridge.gateway_mode_ipv4') out.gatewayMode = value;
    else if (driver === 'bridge' && key === 'com.docker.network.bridge.gateway_mode_ipv6') out.gatewayMode6 = value;
    else if (driver === 'macvlan' && key === 'parent') out.parent = validateIfName(value);
    else if (driver === 'macvlan' && key === 'macvlan_mode') {
      if (!(MACVLAN_MODES as readonly string[]).includes(value)) throw new NslabError(`unknown macvlan mode: ${value}`, { hint: `one of ${MACVLAN_MODES.join(', ')}` });
      out.macvlanMode = value as MacvlanMode;
    } else throw new NslabError(`driver option ${JSON.stringify(key)} is not one nslab rebuilds for the ${driver} driver`, { hint: `nslab takes -o ${mine}` });
  }
  return out;
}

/** The drivers `network create` builds in the sandbox; `where` names the network in a file. */
export function parseDriver(driver: string | undefined, where?: string): 'bridge' | 'macvlan' {
  const d = driver ?? 'bridge';
  if (d === 'bridge' || d === 'macvlan') return d;
  throw new NslabError(`${where ? `${where}: ` : ''}driver ${d} is not one the sandbox builds (it builds bridge and macvlan networks)`, { hint: d === 'overlay' ? 'an overlay needs two docker hosts: `nslab lab overlay`' : 'use the bridge or macvlan driver' });
}

/** An MTU as dockerd takes it: a whole number from IPv4's minimum, 68, to 65535. */
export function parseMtu(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 68 || n > 65535) throw new NslabError(`invalid MTU ${JSON.stringify(value)} for com.docker.network.driver.mtu`, { hint: 'give a whole number from 68 to 65535, e.g. -o com.docker.network.driver.mtu=1400' });
  return n;
}
