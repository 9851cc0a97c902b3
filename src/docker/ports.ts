import type { Endpoint } from './bridge-network.js';
import { ruleTag } from '../model/names.js';
import { chainNew, policySet, ruleAppend, ruleInsert, type Rule } from '../ops/iptables.js';
import type { Op } from '../ops/op.js';

// Docker's classic (<= 27.x) iptables layout, the one most articles and hosts show
// (reference: docker-networking.md, fixture C). Every rule carries the lab's tag.

const rule = (lab: string, r: Omit<Rule, 'tag'>): Rule => ({ ...r, tag: ruleTag(lab) });

/**
 * What dockerd installs in the filter table when it turns forwarding on: FORWARD policy
 * DROP, replies to containers allowed back, containers allowed out and to each other, and
 * new connections to a container only through chain DOCKER (empty until a port is published).
 */
export function dockerFilter(hostNs: string | undefined, lab: string, bridge: string): Op[] {
  return [
    chainNew(hostNs, 'filter', 'DOCKER'),
    policySet(hostNs, 'filter', 'FORWARD', 'DROP'),
    ruleAppend(hostNs, rule(lab, { table: 'filter', chain: 'FORWARD', match: ['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'], target: ['-j', 'ACCEPT'] })),
    ruleAppend(hostNs, rule(lab, { table: 'filter', chain: 'FORWARD', match: ['-o', bridge], target: ['-j', 'DOCKER'] })),
    ruleAppend(hostNs, rule(lab, { table: 'filter', chain: 'FORWARD', match: ['-i', bridge, '!', '-o', bridge], target: ['-j', 'ACCEPT'] })),
    ruleAppend(hostNs, rule(lab, { table: 'filter', chain: 'FORWARD', match: ['-i', bridge, '-o', bridge], target: ['-j', 'ACCEPT'] })),
  ];
}

/**
 * The nat chain DOCKER and the two jumps into it: packets to any of the host's own
 * addresses, arriving (PREROUTING) or sent by the host itself (OUTPUT, loopback excluded).
 */
export function dockerNatChain(hostNs: string | undefined, lab: string, bridge: string): Op[] {
  return [
    chainNew(hostNs, 'nat', 'DOCKER'),
    ruleAppend(hostNs, rule(lab, { table: 'nat', chain: 'PREROUTING', match: ['-m', 'addrtype', '--dst-type', 'LOCAL'], target: ['-j', 'DOCKER'] })),
    ruleAppend(hostNs, rule(lab, { table: 'nat', chain: 'OUTPUT', match: ['!', '-d', '127.0.0.0/8', '-m', 'addrtype', '--dst-type', 'LOCAL'], target: ['-j', 'DOCKER'] })),
    ruleAppend(hostNs, rule(lab, { table: 'nat', chain: 'DOCKER', match: ['-i', bridge], target: ['-j', 'RETURN'] })),
  ];
}

export interface PublishedPort {
  readonly hostPort: number;
  readonly containerPort: number;
}

/** `docker run -p H:P`: DNAT host port H to the container's P, and let it through FORWARD. */
export function publishPort(hostNs: string | undefined, lab: string, bridge: string, ep: Endpoint, p: PublishedPort): Op[] {
  const tcp = (port: number) => ['-p', 'tcp', '-m', 'tcp', '--dport', String(port)];
  return [
    ruleAppend(hostNs, rule(lab, { table: 'nat', chain: 'DOCKER', match: ['!', '-i', bridge, ...tcp(p.hostPort)], target: ['-j', 'DNAT', '--to-destination', `${ep.address}:${p.containerPort}`] })),
    ruleInsert(hostNs, rule(lab, { table: 'filter', chain: 'DOCKER', match: ['-d', `${ep.address}/32`, '!', '-i', bridge, '-o', bridge, ...tcp(p.containerPort)], target: ['-j', 'ACCEPT'] })),
    ruleAppend(hostNs, rule(lab, { table: 'nat', chain: 'POSTROUTING', match: ['-s', `${ep.address}/32`, '-d', `${ep.address}/32`, ...tcp(p.containerPort)], target: ['-j', 'MASQUERADE'] })),
  ];
}
