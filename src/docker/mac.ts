import { createHash } from 'node:crypto';
import { macFromIp } from '../model/ipam.js';
import type { Profile } from './profile.js';

/**
 * The MAC Docker gives an endpoint. Up to 27 it is 02:42 and the IPv4 address; from 28.0 it
 * is random (GenerateRandomMAC: random bytes, multicast bit cleared, locally-administered bit
 * set). nslab draws those bytes from a hash of the endpoint's identity rather than from a
 * random source, so a dry-run script and the lab it describes carry the same MAC.
 */
export function endpointMac(profile: Pick<Profile, 'endpointMac'>, address: string, ...identity: string[]): string {
  return profile.endpointMac === 'from-ip' ? macFromIp(address) : randomStyleMac('mac', ...identity);
}

/**
 * The MAC dockerd gives a bridge it creates (setupDevice: GenerateRandomMAC, in 27, 28 and
 * 29 alike). Fixed at creation, so it does not follow the lowest port's MAC as ports come
 * and go: a container's ARP entry for its gateway stays right after a disconnect.
 */
export function bridgeMac(hostNs: string | undefined, bridge: string): string {
  return randomStyleMac('bridge', hostNs ?? '', bridge);
}

function randomStyleMac(...identity: string[]): string {
  const bytes = createHash('sha256').update(identity.join('/')).digest().subarray(0, 6);
  bytes[0] = (bytes[0]! & 0xfe) | 0x02;
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A locally-administered unicast MAC that is not 02:42 followed by an address. */
export const isRandomStyleMac = (mac: string): boolean => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac) && (parseInt(mac.slice(0, 2), 16) & 0x03) === 0x02;
