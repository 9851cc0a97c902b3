import { createHash } from 'node:crypto';

/**
 * A network's ID. Docker's are random; nslab's are derived from the lab, the network's name
 * and how many times that name was created, so plans, dry-runs and tests are reproducible,
 * and a network created again gets a new ID, hence a new bridge (as the incident lab shows).
 */
export function networkId(lab: string, network: string, generation = 1): string {
  return createHash('sha256').update(`${lab}/${network}${generation > 1 ? `/${generation}` : ''}`).digest('hex');
}

/** Docker names a user-defined network's bridge `br-` plus the first 12 hex characters of its ID. */
export function userBridgeName(lab: string, network: string, generation = 1): string {
  return `br-${networkId(lab, network, generation).slice(0, 12)}`;
}
