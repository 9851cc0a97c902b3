import { createHash } from 'node:crypto';
import { NslabError } from '../errors.js';
import { AddressInUseError } from './ipam.js';

// IPv6 addressing. A /64 holds more addresses than a JavaScript number, so an address is a
// bigint here; text is written the way the kernel and Docker print it (RFC 5952: lowercase,
// the longest run of zero groups as ::).

export interface Subnet6 {
  readonly cidr: string;
  readonly prefix: number;
  readonly first: bigint;
  readonly last: bigint;
}

const BITS = 128n;

export const isIpv6 = (address: string): boolean => address.includes(':');

/** fd49:efd7:54aa::1 as a number, or undefined when it is not an IPv6 address. */
export function parseAddress6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text) || (text.match(/::/g) ?? []).length > 1) return undefined;
  const [head = '', tail] = text.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const missing = 8 - h.length - t.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t];
  if (all.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function formatAddress6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(16 * (7 - i))) & 0xffffn));
  // The longest run of two or more zero groups (the first of equals) becomes ::.
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

const hostMask = (prefix: number) => (1n << (BITS - BigInt(prefix))) - 1n;

export function parseSubnet6(cidr: string): Subnet6 {
  const [address = '', len = ''] = cidr.split('/');
  const n = parseAddress6(address);
  const prefix = Number(len);
  if (n === undefined || !/^\d{1,3}$/.test(len) || prefix > 128) {
    throw new NslabError(`invalid IPv6 subnet ${JSON.stringify(cidr)}`, { hint: 'write it as prefix::/len, e.g. fd00:db8:1::/64' });
  }
  const first = n & ~hostMask(prefix);
  if (first !== n) throw new NslabError(`${cidr} is not a network address`, { hint: `did you mean ${formatAddress6(first)}/${prefix}?` });
  return { cidr: `${formatAddress6(first)}/${prefix}`, prefix, first, last: first | hostMask(prefix) };
}

export function subnet6Contains(s: Subnet6, address: string): boolean {
  const n = parseAddress6(address);
  return n !== undefined && n >= s.first && n <= s.last;
}

export function subnets6Overlap(a: Subnet6, b: Subnet6): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The subnet an address with its prefix lies in: fd00::5/64 gives fd00::/64. */
export function subnet6Of(addressWithPrefix: string): Subnet6 {
  const [address = '', len = '128'] = addressWithPrefix.split('/');
  const n = parseAddress6(address) ?? 0n;
  return parseSubnet6(`${formatAddress6(n & ~hostMask(Number(len)))}/${len}`);
}

/**
 * Docker's IPAM for a network's IPv6 subnet, as for IPv4 (27 and later): the gateway takes
 * the first address after the subnet's own, containers the lowest free one after it. (The
 * subnet-router anycast address, the subnet's own, is never handed out.)
 */
export class Ipam6 {
  readonly subnet: Subnet6;
  readonly gateway: string;
  readonly #used = new Set<bigint>();

  constructor(cidr: string, gateway?: string) {
    this.subnet = parseSubnet6(cidr);
    if (this.subnet.prefix > 126) throw new NslabError(`IPv6 subnet ${cidr} is too small for a gateway and a container`, { hint: 'use a /64, as Docker does' });
    this.gateway = gateway === undefined ? formatAddress6(this.subnet.first + 1n) : this.reserve(gateway, 'gateway');
    this.#used.add(parseAddress6(this.gateway)!);
  }

  get prefix(): number {
    return this.subnet.prefix;
  }

  allocate(): string {
    for (let n = this.subnet.first + 1n; n <= this.subnet.last; n++) {
      if (!this.#used.has(n)) {
        this.#used.add(n);
        return formatAddress6(n);
      }
    }
    throw new NslabError(`subnet ${this.subnet.cidr} has no free address left`, { hint: 'use a larger subnet' });
  }

  reserve(address: string, what = 'address'): string {
    const n = parseAddress6(address);
    if (n === undefined) throw new NslabError(`invalid IPv6 ${what} ${JSON.stringify(address)}`, { hint: 'write it as, e.g., fd00:db8:1::10' });
    const canonical = formatAddress6(n);
    if (n <= this.subnet.first || n > this.subnet.last) throw new NslabError(`${what} ${canonical} is not a usable host address of ${this.subnet.cidr}`, { hint: 'it must lie inside the subnet and not be its first address' });
    if (this.#used.has(n)) throw new AddressInUseError(canonical, this.subnet.cidr);
    this.#used.add(n);
    return canonical;
  }

  release(address: string): void {
    const n = parseAddress6(address);
    if (n !== undefined) this.#used.delete(n);
  }

  withPrefix(address: string): string {
    return `${address}/${this.subnet.prefix}`;
  }
}

/**
 * The engine's ULA base (27.0, daemon.go deriveULABaseNetwork): 40 bits of the SHA-256 of the
 * engine's ID after fd00::/8, a /48 that `network create --ipv6` without a subnet splits
 * into /64s. Stable for as long as the engine ID is.
 */
export function ulaBase(engineId: string): Subnet6 {
  const sha = createHash('sha256').update(engineId).digest();
  const gid = sha.readBigUInt64BE(0) & ((1n << 40n) - 1n);
  const base = (0xfdn << 120n) | (gid << 80n);
  return parseSubnet6(`${formatAddress6(base)}/48`);
}

/** The first /64 of the ULA base that no network holds. */
export function nextUlaPool(engineId: string, taken: readonly Subnet6[]): string {
  const base = ulaBase(engineId);
  for (let n = base.first; n <= base.last; n += 1n << 64n) {
    const candidate = parseSubnet6(`${formatAddress6(n)}/64`);
    if (!taken.some((t) => subnets6Overlap(t, candidate))) return candidate.cidr;
  }
  throw new NslabError('all predefined address pools have been fully subnetted', { hint: 'remove a network (docker network rm) or give an IPv6 --subnet explicitly' });
}

/** Docker's engine ID is a random UUID kept in its data root; nslab derives one from the lab instance, so its ULA prefix is stable. */
export function engineId(lab: string): string {
  const h = createHash('sha256').update(`${lab}/engine-id`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
