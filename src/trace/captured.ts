// tcpdump's one-line text of a packet, as `tcpdump -i any -n -tt [--nano] -l` prints it in a lab
// namespace (LINUX_SLL2: the interface and direction come first), parsed back into data:
//   1796192680.803003 eth0  Out IP 172.17.0.2 > 203.0.113.10: ICMP echo request, id 17129, seq 1, length 64
//   1796192680.803026 eth0  In  IP 198.51.100.1.40000 > 198.51.100.2.8080: Flags [S], seq 1, ...

export interface Captured {
  /**
   * Seconds since the epoch, as the kernel stamped the packet (one clock for all namespaces).
   * Nanoseconds are read, but a double this large keeps them to about a quarter microsecond.
   */
  readonly time: number;
  readonly node: string;
  readonly iface: string;
  readonly direction: 'in' | 'out';
  readonly protocol: 'icmp' | 'tcp' | 'udp';
  readonly src: string;
  readonly dst: string;
  readonly sport: number | undefined;
  readonly dport: number | undefined;
  /** ICMP echo id, for picking the probe's packets out. */
  readonly icmpId: number | undefined;
  /** 'echo request', 'echo reply', 'Flags [S]', 'UDP, length 12' ... */
  readonly what: string;
  /** A TCP SYN's MSS option: what the sender offers, and what clamping rewrites. */
  readonly mss?: number | undefined;
  /** A VXLAN-wrapped frame: src/dst are the outer (underlay) header, the rest is the inner packet's. */
  readonly vxlan?: { readonly vni: number; readonly inner: string } | undefined;
}

const LINE = /^(\d+\.\d+) (\S+)\s+(In|Out|M|B|P)\s+IP6? (\S+) > (\S+): (.*)$/;

/** "172.17.0.2.43210" -> address and port; "172.17.0.2" -> address; IPv6 as "fd00::2.80" and "fd00::2". */
function endpoint(s: string): [string, number | undefined] {
  if (s.includes(':')) {
    const dot = s.lastIndexOf('.');
    return dot < 0 ? [s, undefined] : [s.slice(0, dot), Number(s.slice(dot + 1))];
  }
  const parts = s.split('.');
  return parts.length === 5 ? [parts.slice(0, 4).join('.'), Number(parts[4])] : [s, undefined];
}

/**
 * Every packet of one namespace's capture. tcpdump prints a VXLAN frame as its outer UDP
 * header on one line and the inner packet on the next: the two become one packet, whose
 * ICMP id, ports and kind are the inner packet's.
 */
export function parseCapture(node: string, text: string): Captured[] {
  const lines = text.split('\n');
  const out: Captured[] = [];
  lines.forEach((line, k) => {
    const outer = parseCaptured(node, line);
    if (!outer) return;
    const vni = /: VXLAN, .*vni (\d+)/.exec(line)?.[1];
    const next = lines[k + 1]?.trim();
    if (vni === undefined || !next?.startsWith('IP ')) return void out.push(outer);
    const inner = parseCaptured(node, `${line.split(' ')[0]} ${outer.iface} ${outer.direction === 'out' ? 'Out' : 'In'} ${next}`);
    if (!inner) return void out.push(outer);
    out.push({ ...inner, src: outer.src, dst: outer.dst, sport: outer.sport, dport: outer.dport, protocol: inner.protocol, vxlan: { vni: Number(vni), inner: `${next.replace(/^IP /, '').split(':')[0]}` }, what: `VXLAN vni ${vni} [${next.replace(/^IP /, '').split(':')[0]}] ${inner.what}` });
  });
  return out;
}

export function parseCaptured(node: string, line: string): Captured | undefined {
  const m = LINE.exec(line.trim());
  if (!m) return undefined;
  const [, time, iface, dir, rawSrc, rawDst, text] = m as unknown as [string, string, string, string, string, string, string];
  let rest = text;
  const [src, sport] = endpoint(rawSrc);
  const [dst, dport] = endpoint(rawDst);
  // tcpdump writes ICMPv6 as "ICMP6, echo request, id 7, seq 1, length 64".
  if (rest.startsWith('ICMP6, ')) rest = `ICMP ${rest.slice('ICMP6, '.length)}`;
  const protocol = rest.startsWith('ICMP') ? 'icmp' : rest.startsWith('UDP') || /^\S+ UDP|^UDP/.test(rest) || (sport !== undefined && !rest.startsWith('Flags')) ? 'udp' : 'tcp';
  const id = /\bid (\d+)/.exec(rest)?.[1];
  const what = protocol === 'icmp' ? rest.replace(/^ICMP /, '').replace(/, length \d+$/, '').replace(/, id \d+, seq \d+/, '') : protocol === 'tcp' ? (/^Flags \[[^\]]*\]/.exec(rest)?.[0] ?? rest) : 'UDP';
  // On a bridge port, "P" is the copy tcpdump sees leaving to the bridge: as good as In.
  const mss = protocol === 'tcp' ? /\bmss (\d+)/.exec(rest)?.[1] : undefined;
  return { time: Number(time), node, iface, direction: dir === 'Out' ? 'out' : 'in', protocol, src, dst, sport, dport, icmpId: id === undefined ? undefined : Number(id), what, ...(mss ? { mss: Number(mss) } : {}) };
}
