import { NslabError } from '../errors.js';
import type { PortBinding } from './firewall/firewaller.js';

// The one grammar of a published port, as `docker run -p` and compose's short `ports:` take it
// (go-connections nat.ParsePortSpec): [ip:][hostPort[-hostPort]:]containerPort[-containerPort][/proto].
// `-p 80` and `-p 127.0.0.1::80` publish on a host port Docker picks (the first free one from
// 32768, the start of the kernel's ephemeral range); a host range for one container port takes
// its first free port. The errors are Docker's own words.

/** A binding whose host port Docker is to pick. */
export type PortRequest = Omit<PortBinding, 'hostPort'> & { readonly hostPort: number | { readonly from: number; readonly to: number } | undefined };

/** A host port someone holds already: Docker finds it out when the container starts. */
export class PortTakenError extends NslabError {
  constructor(message: string) {
    super(message, { hint: 'publish another host port (-p 8081:80), or docker rm -f the container that holds it' });
  }
}

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
 * The order the daemon binds a container's ports in, which is the order of their rules.
 * Docker 27 sorts them with go-connections' SortPortMap: by container port as a string
 * ("443/tcp" before "80/tcp"), then host port. Docker 28 rewrote it (cmpPortBinding): exact
 * host ports before the ones to pick, then container port by number, tcp before udp, then
 * host port, then host address.
 */
export function bindingOrder(docker: '27' | '28' | '29', requests: readonly PortRequest[]): PortRequest[] {
  const key = (r: PortRequest) => `${r.containerPort}/${r.protocol}`;
  const host = (r: PortRequest) => (typeof r.hostPort === 'number' ? r.hostPort : (r.hostPort?.from ?? 0));
  const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  if (docker === '27') return [...requests].sort((a, b) => byString(key(a), key(b)) || host(a) - host(b));
  const exact = (r: PortRequest) => (typeof r.hostPort === 'number' ? 0 : 1);
  return [...requests].sort((a, b) => exact(a) - exact(b) || a.containerPort - b.containerPort || byString(a.protocol, b.protocol) || host(a) - host(b) || byString(a.hostIp ?? '', b.hostIp ?? ''));
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
      throw new PortTakenError(`Bind for ${r.hostIp ?? '0.0.0.0'}:${shown} failed: port is already allocated`);
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
 * docker ps's PORTS cell, as the CLI's DisplayablePorts writes it: every port (a published one
 * on each address it is bound to: 0.0.0.0 and, as Docker binds both, the IPv6 any address)
 * sorted by container port, address, host port and protocol; a port published on the same
 * number, and one only exposed, joins a run of consecutive ports (80-81/tcp) of its address
 * and protocol; the ones published on another number follow. The 28 CLI writes an IPv6
 * address in brackets ([::]:8080), the 26 one bare (:::8080).
 */
export function portsCell(published: readonly PortBinding[], exposed: readonly string[], ipv6Any: '[::]' | '::'): string {
  interface Port {
    readonly private: number;
    readonly ip: string;
    readonly public: number;
    readonly type: string;
  }
  const ports: Port[] = [
    ...published.flatMap((p) => (p.hostIp ? [p.hostIp] : ['0.0.0.0', '::']).map((ip) => ({ private: p.containerPort, ip, public: p.hostPort, type: p.protocol }))),
    ...exposed
      .filter((e) => !published.some((p) => `${p.containerPort}/${p.protocol}` === e))
      .map((e) => ({ private: Number(e.split('/')[0]), ip: '', public: 0, type: e.split('/')[1] ?? 'tcp' })),
  ];
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  ports.sort((a, b) => cmp(a.private, b.private) || cmp(a.ip, b.ip) || cmp(a.public, b.public) || cmp(a.type, b.type));
  const hostPort = (ip: string, port: string) => (ip.includes(':') && ipv6Any === '[::]' ? `[${ip}]:${port}` : `${ip}:${port}`);
  const groups = new Map<string, { ip: string; type: string; first: number; last: number }>();
  const result: string[] = [];
  const mappings: string[] = [];
  const form = (g: { ip: string; type: string; first: number; last: number }) => {
    const run = g.first === g.last ? String(g.first) : `${g.first}-${g.last}`;
    return `${g.ip ? `${hostPort(g.ip, run)}->${run}` : run}/${g.type}`;
  };
  for (const p of ports) {
    if (p.ip && p.public !== p.private) {
      mappings.push(`${hostPort(p.ip, String(p.public))}->${p.private}/${p.type}`);
      continue;
    }
    const key = `${p.ip}/${p.type}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { ip: p.ip, type: p.type, first: p.private, last: p.private });
    else if (p.private === g.last + 1) g.last = p.private;
    else {
      result.push(form(g));
      g.first = p.private;
      g.last = p.private;
    }
  }
  return [...result, ...[...groups.values()].map(form), ...mappings].join(', ');
}
