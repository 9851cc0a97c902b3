import { NslabError } from '../errors.js';
import type { PortBinding } from './firewall/firewaller.js';

// The one grammar of a published port, as `docker run -p` and compose's short `ports:` take it
// (go-connections nat.ParsePortSpec): [ip:][hostPort[-hostPort]:]containerPort[-containerPort][/proto].
// `-p 80` and `-p 127.0.0.1::80` publish on a host port Docker picks (the first free one from
// 32768, the start of the kernel's ephemeral range); a host range for one container port takes
// its first free port. The errors are Docker's own words.

/** A binding whose host port Docker is to pick. */
export type PortRequest = Omit<PortBinding, 'hostPort'> & { readonly hostPort: number | { readonly from: number; readonly to: number } | undefined };

const EPHEMERAL_START = 32768;
const EPHEMERAL_END = 60999;

function port(text: string, what: 'containerPort' | 'hostPort'): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const a = m ? Number(m[1]) : NaN;
  const b = m?.[2] === undefined ? a : Number(m[2]);
  if (!m || a < 1 || a > 65535 || b < a || b > 65535) throw new NslabError(`Invalid ${what}: ${text}`, { hint: 'a port is 1 to 65535, a range low-high' });
  return [a, b];
}

/** Parses one -p value into the bindings it asks for (a range gives one per port). */
export function parsePortSpec(spec: string): PortRequest[] {
  const [body, proto = 'tcp', ...more] = spec.split('/');
  if (more.length || (proto !== 'tcp' && proto !== 'udp')) {
    throw new NslabError(`Invalid proto: ${proto}`, { hint: 'nslab publishes tcp and udp' });
  }
  let rest = body!;
  let hostIp: string | undefined;
  const v6 = /^\[([0-9a-fA-F:]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2]!;
  }
  const parts = rest.split(':');
  if (!v6 && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2 || (v6 && parts.length !== 2)) throw new NslabError(`Invalid ip address: ${spec}`, { hint: 'write it as [ip:][hostPort:]containerPort[/proto]' });
  if (hostIp !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(hostIp) && !v6) throw new NslabError(`Invalid ip address: ${hostIp}`, { hint: 'a host address is IPv4, e.g. 127.0.0.1' });
  if (v6) throw new NslabError(`nslab publishes on IPv4 addresses only, not [${hostIp}]`, { hint: 'publish on 0.0.0.0 (every address) or an IPv4 address of the docker host' });
  const [ctr1, ctr2] = port(parts.at(-1)!, 'containerPort');
  const hostText = parts.length === 2 ? parts[0]! : '';
  const host = hostText === '' ? undefined : port(hostText, 'hostPort');
  const count = ctr2 - ctr1 + 1;
  if (host && host[1] - host[0] + 1 !== count && count !== 1) {
    throw new NslabError(`Invalid ranges specified for container and host Ports: ${parts.at(-1)} and ${hostText}`, { hint: 'a host range maps one to one onto a container range' });
  }
  // An explicit 0.0.0.0 stays: Docker then binds IPv4 only, where a port with no address gets [::] too.
  const ip = hostIp === undefined ? {} : { hostIp };
  return Array.from({ length: count }, (_, i): PortRequest => {
    const hostPort = host === undefined ? undefined : count > 1 ? host[0] + i : host[0] === host[1] ? host[0] : { from: host[0], to: host[1] };
    return { protocol: proto, containerPort: ctr1 + i, hostPort, ...ip };
  });
}

/** Do two bindings want the same host port (an address, or every address, overlapping)? */
export function sameHostPort(a: PortBinding, b: PortBinding): boolean {
  return a.hostPort === b.hostPort && a.protocol === b.protocol && (a.hostIp === undefined || b.hostIp === undefined || a.hostIp === b.hostIp);
}

/**
 * Gives each request its host port, against those already bound: a fixed port that is taken
 * is Docker's "port is already allocated"; an unset one is the first free from 32768.
 */
export function allocatePorts(requests: readonly PortRequest[], taken: readonly PortBinding[]): PortBinding[] {
  const bound: PortBinding[] = [...taken];
  return requests.map((r) => {
    const candidates = r.hostPort === undefined ? range(EPHEMERAL_START, EPHEMERAL_END) : typeof r.hostPort === 'number' ? [r.hostPort] : range(r.hostPort.from, r.hostPort.to);
    const free = candidates.find((p) => !bound.some((t) => sameHostPort(t, { ...r, hostPort: p })));
    if (free === undefined) {
      const shown = typeof r.hostPort === 'number' ? String(r.hostPort) : r.hostPort ? `${r.hostPort.from}-${r.hostPort.to}` : 'an ephemeral port';
      throw new NslabError(`Bind for ${r.hostIp ?? '0.0.0.0'}:${shown} failed: port is already allocated`, { hint: 'publish another host port (-p 8081:80), or docker rm -f the container that holds it' });
    }
    const b: PortBinding = { ...r, hostPort: free };
    bound.push(b);
    return b;
  });
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/** `-p` as written back: the host address only when one was given. */
export function bindingSpec(p: PortBinding): string {
  return `${p.hostIp ? `${p.hostIp}:` : ''}${p.hostPort}:${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`;
}

/**
 * docker ps's PORTS cell: each binding on its address (every address: 0.0.0.0 and, as Docker
 * binds both, the IPv6 any address, written `[::]` by the 28 CLI and `::` before it), then
 * ports exposed but not published.
 */
export function portsCell(published: readonly PortBinding[], exposed: readonly string[], ipv6Any: '[::]' | '::'): string {
  const cells = published.flatMap((p) => {
    const to = `${p.containerPort}/${p.protocol}`;
    return p.hostIp ? [`${p.hostIp}:${p.hostPort}->${to}`] : [`0.0.0.0:${p.hostPort}->${to}`, `${ipv6Any}:${p.hostPort}->${to}`];
  });
  const unpublished = exposed.filter((e) => !published.some((p) => `${p.containerPort}/${p.protocol}` === e));
  return [...cells, ...unpublished].join(', ');
}
