import type { Op } from '../../ops/op.js';
import type { Firewaller } from './firewaller.js';

/**
 * The ip6tables half of a docker host's firewall. dockerd sets up its ip6tables chains when it
 * starts (ip6tables is on by default since 27); nslab does so with the first network made
 * with --ipv6, so a lab without IPv6 leaves ip6tables as it found it.
 */
export class Ip6Firewall {
  #fw: Firewaller | undefined;
  #started = false;

  /** `make` builds the layout, or refuses where nslab has no IPv6 layout (it is asked only when needed). */
  constructor(private readonly make: () => Firewaller) {}

  get fw(): Firewaller {
    this.#fw ??= this.make();
    return this.#fw;
  }

  /** The daemon's ip6tables skeleton, before the first IPv6 network's rules; nothing after. */
  skeletonFor(network: { readonly firewall6?: unknown }): Op[] {
    if (network.firewall6 === undefined || this.#started) return [];
    this.#started = true;
    return this.fw.daemon();
  }
}
