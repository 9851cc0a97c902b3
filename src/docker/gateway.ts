import type { Endpoint } from './cnm.js';

/**
 * The endpoint that gives a container its default route, as libnetwork elects it
 * (sandbox.go Endpoint.Less, the same in 26, 27, 28 and 29): the highest --gw-priority,
 * then a network that is not --internal (an internal one has no gateway to give), then
 * the network's name, in byte order. None where the best has no gateway to give.
 */
export function electGateway(endpoints: readonly Endpoint[], internal: (network: string) => boolean): Endpoint | undefined {
  const rank = (e: Endpoint) => ({ prio: e.priority ?? 0, internal: internal(e.network) ? 1 : 0, name: e.network });
  const best = [...endpoints].sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    return y.prio - x.prio || x.internal - y.internal || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
  })[0];
  return best && !internal(best.network) ? best : undefined;
}
