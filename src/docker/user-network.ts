import { createHash } from 'node:crypto';
import { Ipam } from '../model/ipam.js';
import { ruleTag } from '../model/names.js';
import { chainNew, ruleAppend } from '../ops/iptables.js';
import type { Op } from '../ops/op.js';
import type { BridgeNetwork } from './bridge-network.js';

/**
 * Docker names a user-defined network's bridge `br-` plus the first 12 hex characters of
 * the network ID. nslab derives the "ID" from the lab and network names, so the name is
 * stable across plans, dry-runs and tests (and unique per lab instance).
 */
export function userBridgeName(lab: string, network: string): string {
  return `br-${createHash('sha256').update(`${lab}/${network}`).digest('hex').slice(0, 12)}`;
}

/** `docker network create --subnet <subnet> <name>`: a bridge network with its own IPAM. */
export function userNetwork(lab: string, hostNs: string | undefined, name: string, subnet: string): BridgeNetwork {
  return { name, bridge: userBridgeName(lab, name), ipam: new Ipam(subnet), hostNs };
}

export const ISOLATION_STAGE_1 = 'DOCKER-ISOLATION-STAGE-1';
export const ISOLATION_STAGE_2 = 'DOCKER-ISOLATION-STAGE-2';

/**
 * The chains Docker (up to 28.x) uses to keep bridge networks apart, jumped to from FORWARD.
 * Created once per docker host.
 */
export function isolationChains(hostNs: string | undefined, lab: string): Op[] {
  return [
    chainNew(hostNs, 'filter', ISOLATION_STAGE_1),
    chainNew(hostNs, 'filter', ISOLATION_STAGE_2),
    ruleAppend(hostNs, { table: 'filter', chain: 'FORWARD', match: [], target: ['-j', ISOLATION_STAGE_1], tag: ruleTag(lab) }),
  ];
}

/**
 * Per bridge: traffic that enters from this bridge and leaves by another goes to stage 2,
 * and stage 2 drops whatever is about to leave by a bridge. Together: no bridge forwards to
 * another, while traffic to the uplink (not a bridge) passes.
 */
export function isolateBridge(hostNs: string | undefined, lab: string, bridge: string): Op[] {
  const tag = ruleTag(lab);
  return [
    ruleAppend(hostNs, { table: 'filter', chain: ISOLATION_STAGE_1, match: ['-i', bridge, '!', '-o', bridge], target: ['-j', ISOLATION_STAGE_2], tag }),
    ruleAppend(hostNs, { table: 'filter', chain: ISOLATION_STAGE_2, match: ['-o', bridge], target: ['-j', 'DROP'], tag }),
  ];
}
