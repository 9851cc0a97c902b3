import { NslabError } from '../errors.js';
import type { Ipam } from './ipam.js';

/** Enough for any lesson, few enough that a mistyped count is caught rather than built. */
export const MAX_CONTAINERS = 64;

/** The scale lab's mesh when --containers is not given; doctor sizes the neighbour table for it. */
export const MESH_DEFAULT_CONTAINERS = 10;

export function validateContainerCount(value: unknown, max = MAX_CONTAINERS): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new NslabError(`invalid container count ${JSON.stringify(String(value))}`, { hint: `give a whole number from 1 to ${max}, e.g. --containers 3` });
  }
  return n;
}

/** Checked before any address is handed out, so the error names the sizes, not an address. */
export function assertRoomFor(ipam: Ipam, containers: number): void {
  if (ipam.free < containers) {
    const fits = 32 - Math.ceil(Math.log2(containers + 3));
    throw new NslabError(`subnet ${ipam.subnet.cidr} has room for ${ipam.free} container${ipam.free === 1 ? '' : 's'} besides the gateway, ${containers} asked`, {
      hint: `use a larger subnet (a /${fits} or shorter holds ${containers}) or fewer --containers`,
    });
  }
}
