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

/** A container's ID: derived from its name and the engine's instance, as stable as both. */
export function containerId(lab: string, name: string): string {
  return createHash('sha256').update(`${lab}/container/${name}`).digest('hex');
}

/** An endpoint's ID: derived from its container and network, as stable as their own. */
export function endpointId(lab: string, container: string, network: string): string {
  return createHash('sha256').update(`${lab}/endpoint/${container}/${network}`).digest('hex');
}
