import { NslabError } from '../errors.js';

/** A published port, as `docker run -p [hostIp:]hostPort:containerPort[/proto]` takes it. */
export interface PortMapping {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
}

/** A TCP/UDP port: an integer from 1 to 65535. */
export function validatePort(value: string | number, what = 'port'): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new NslabError(`${what} ${JSON.stringify(String(value))} is out of range`, { hint: 'ports are whole numbers from 1 to 65535, e.g. 8080' });
  }
  return n;
}

/** Parses `8080:80`, `8080:80/udp` (and `80`, meaning 80:80). */
export function parsePortMapping(spec: string): PortMapping {
  const m = /^(?:([^:/]+):)?([^:/]+)(?:\/(tcp|udp))?$/.exec(spec);
  if (!m) {
    throw new NslabError(`invalid port mapping ${JSON.stringify(spec)}`, { hint: 'write it as hostPort:containerPort[/tcp|udp], e.g. 8080:80' });
  }
  const containerPort = validatePort(m[2]!, 'container port');
  const hostPort = m[1] === undefined ? containerPort : validatePort(m[1], 'host port');
  return { hostPort, containerPort, protocol: (m[3] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}

/** A host port can be published once per protocol (Docker: "port is already allocated"). */
export function assertPortsFree(mappings: readonly PortMapping[], taken: readonly PortMapping[] = []): void {
  const seen = new Set(taken.map((p) => `${p.hostPort}/${p.protocol}`));
  for (const p of mappings) {
    const key = `${p.hostPort}/${p.protocol}`;
    if (seen.has(key)) {
      throw new NslabError(`host port ${key} is already published`, { hint: 'each host port can be published once; pick another host port, e.g. 8081:80' });
    }
    seen.add(key);
  }
}

/** Parses and checks a list of `-p` specs together. */
export function parsePublished(specs: readonly string[], taken: readonly PortMapping[] = []): PortMapping[] {
  const mappings = specs.map(parsePortMapping);
  assertPortsFree(mappings, taken);
  return mappings;
}
