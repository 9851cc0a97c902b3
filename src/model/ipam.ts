import IPCIDR from 'ip-cidr';
import { NslabError } from '../errors.js';

export interface Subnet {
  /** Canonical network CIDR, e.g. 172.17.0.0/16. */
  readonly cidr: string;
  readonly prefix: number;
  readonly first: number;
  readonly last: number;
}

function toInt(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function intToAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function parseSubnet(cidr: string): Subnet {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr) || !IPCIDR.isValidCIDR(cidr)) {
    throw new NslabError(`invalid IPv4 subnet ${JSON.stringify(cidr)}`, { hint: 'write it as a.b.c.d/len, e.g. 172.18.0.0/16' });
  }
  const range = new IPCIDR(cidr);
  const network = range.start<string>();
  const prefix = Number(cidr.split('/')[1]);
  if (network !== cidr.split('/')[0]) {
    throw new NslabError(`${cidr} is not a network address`, { hint: `did you mean ${network}/${prefix}?` });
  }
  return { cidr: `${network}/${prefix}`, prefix, first: toInt(network), last: toInt(range.end<string>()) };
}

/** The subnet an address with its prefix lies in: 172.17.0.1/16 gives 172.17.0.0/16. */
export function subnetOf(addressWithPrefix: string): Subnet {
  const [address = '', len = '32'] = addressWithPrefix.split('/');
  const size = 2 ** (32 - Number(len));
  return parseSubnet(`${intToAddress(Math.floor(toInt(address) / size) * size)}/${len}`);
}

export function subnetContains(subnet: Subnet, address: string): boolean {
  const n = toInt(address);
  return n >= subnet.first && n <= subnet.last;
}

export function subnetsOverlap(a: Subnet, b: Subnet): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Throws naming the pair when any two of the subnets overlap. */
export function assertNoOverlap(subnets: readonly { name: string; subnet: Subnet }[]): void {
  for (const [i, a] of subnets.entries()) {
    for (const b of subnets.slice(i + 1)) {
      if (subnetsOverlap(a.subnet, b.subnet)) {
        throw new NslabError(`subnet ${b.subnet.cidr} of ${b.name} overlaps ${a.subnet.cidr} of ${a.name}`, {
          hint: 'choose a subnet that does not overlap, e.g. the next free 172.x.0.0/16',
        });
      }
    }
  }
}

/**
 * Docker's default IPAM: the gateway takes the first host address, containers take the
 * lowest free address after it, and a released address is handed out again.
 */
/** A fixed address someone holds already: Docker finds it out when the container starts. */
export class AddressInUseError extends NslabError {
  constructor(readonly address: string, subnet: string) {
    super(`address ${address} is already in use in ${subnet}`, { hint: 'pick another address or let Docker allocate one' });
  }
}

export class Ipam {
  readonly subnet: Subnet;
  readonly gateway: string;
  readonly #used = new Set<number>();
  /** --ip-range: the addresses handed out unasked come from here (a --ip may be anywhere in the subnet). */
  readonly range: Subnet;

  constructor(cidr: string, gateway?: string, ipRange?: string) {
    this.subnet = parseSubnet(cidr);
    this.range = ipRange === undefined ? this.subnet : parseSubnet(ipRange);
    if (this.range.first < this.subnet.first || this.range.last > this.subnet.last) {
      throw new NslabError(`ip-range ${this.range.cidr} is not inside subnet ${this.subnet.cidr}`, { hint: 'give an --ip-range within the --subnet' });
    }
    if (this.subnet.prefix > 30) {
      throw new NslabError(`subnet ${cidr} is too small for a gateway and a container`, { hint: 'use a prefix of /30 or shorter' });
    }
    // Without --gateway libnetwork asks its IPAM for the first free address of the pool, and
    // a pool with --ip-range hands out from the range: the gateway is the range's first
    // address (10.20.5.0 for --subnet 10.20.0.0/16 --ip-range 10.20.5.0/24).
    const gw = gateway ?? intToAddress(Math.max(this.range.first, this.subnet.first + 1));
    this.#assertHost(gw, 'gateway');
    this.gateway = gw;
    this.#used.add(toInt(gw));
  }

  get prefix(): number {
    return this.subnet.prefix;
  }

  /** Host addresses left to hand out. */
  get free(): number {
    return this.subnet.last - this.subnet.first - 1 - this.#used.size;
  }

  allocate(): string {
    for (let n = Math.max(this.range.first, this.subnet.first + 1); n <= Math.min(this.range.last, this.subnet.last - 1); n++) {
      if (!this.#used.has(n)) {
        this.#used.add(n);
        return intToAddress(n);
      }
    }
    throw new NslabError(`${this.range === this.subnet ? 'subnet' : 'ip-range'} ${this.range.cidr} has no free address left`, { hint: 'use a larger subnet (a shorter prefix)' });
  }

  /** Claims a fixed address (`docker run --ip`). */
  reserve(address: string): string {
    this.#assertHost(address, 'address');
    if (this.#used.has(toInt(address))) throw new AddressInUseError(address, this.subnet.cidr);
    this.#used.add(toInt(address));
    return address;
  }

  release(address: string): void {
    this.#used.delete(toInt(address));
  }

  /** `172.17.0.2/16`: an address with this subnet's prefix, as `ip addr add` wants it. */
  withPrefix(address: string): string {
    return `${address}/${this.subnet.prefix}`;
  }

  #assertHost(address: string, what: string): void {
    if (!IPCIDR.isValidAddress(address) || !/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
      throw new NslabError(`invalid IPv4 ${what} ${JSON.stringify(address)}`, { hint: 'write it as a.b.c.d' });
    }
    const n = toInt(address);
    if (n <= this.subnet.first || n >= this.subnet.last) {
      throw new NslabError(`${what} ${address} is not a usable host address of ${this.subnet.cidr}`, {
        hint: 'it must lie inside the subnet and be neither its network nor its broadcast address',
      });
    }
  }
}

/** Docker ≤27 derived the MAC from the IPv4 address: 02:42 followed by its four bytes. */
export function macFromIp(address: string): string {
  return ['02', '42', ...address.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
}
