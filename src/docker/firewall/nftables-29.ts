import { cmd } from '../../exec/command.js';
import { nftChainAdd, nftJumpElementAdd, nftRuleAdd, nftTableAdd, nftVerdictMapAdd, type NftTable } from '../../ops/nft.js';
import type { Op } from '../../ops/op.js';
import { sysctlSet } from '../../ops/sysctl.js';
import type { Firewaller, FirewallNetwork, FirewallPlacement, PortBinding } from './firewaller.js';

// Docker 29's nftables backend (--firewall-backend=nftables, experimental): one table,
// `ip docker-bridges`, whose base chains dispatch on the interface through verdict maps to
// per-bridge chains. There is no DOCKER-USER, and dockerd does not turn on forwarding: it
// refuses to start until the admin has. Checked against moby docker-v29.7.2,
// daemon/libnetwork/drivers/bridge/internal/nftabler/ and its TestNftabler golden files.

export const NFT_TABLE = 'docker-bridges';
const MAPS = ['filter-forward-in-jumps', 'filter-forward-out-jumps', 'nat-postrouting-in-jumps', 'nat-postrouting-out-jumps'] as const;

const quoted = (name: string) => `"${name}"`;

export function nftables29(p: FirewallPlacement): Firewaller {
  // A network with --ipv6 has its IPv6 half in `ip6 docker-bridges`, the same table in the other family.
  const v6 = p.family === 6;
  const t: NftTable = { ns: p.ns, family: v6 ? 'ip6' : 'ip', table: NFT_TABLE };
  const ip = v6 ? 'ip6' : 'ip';
  const to = (address: string, port: number) => (v6 ? `[${address}]:${port}` : `${address}:${port}`);
  // An IPv6 DNAT leaves link-local sources alone, as in ip6tables.
  const linkLocal = v6 ? 'ip6 saddr != fe80::/10 ' : '';
  const chain = (name: string, base?: string): Op => nftChainAdd(t, name, base);
  const rule = (chainName: string, text: string, index?: number): Op => nftRuleAdd(t, chainName, text, { index });
  const element = (map: string, bridge: string, target: string): Op => nftJumpElementAdd(t, map, bridge, target);

  const perBridge = (br: string) => ({
    in: `filter-forward-in__${br}`,
    out: `filter-forward-out__${br}`,
    natIn: `nat-postrouting-in__${br}`,
    natOut: `nat-postrouting-out__${br}`,
  });

  const bridgeRules = (n: FirewallNetwork): Op[] => {
    const c = perBridge(n.bridge);
    const br = quoted(n.bridge);
    const established = 'ct state established,related counter accept';
    if (n.internal) {
      return [
        rule(c.in, established),
        rule(c.in, `iifname != ${br} counter drop comment "INTERNAL NETWORK INGRESS"`),
        rule(c.in, `counter ${n.icc ? 'accept' : 'drop'} comment "ICC"`),
        rule(c.out, established),
        rule(c.out, `oifname != ${br} counter drop comment "INTERNAL NETWORK EGRESS"`),
      ];
    }
    const gw = n.gatewayMode ?? 'nat';
    return [
      rule(c.in, established),
      // Routed mode lets ICMP in; nat-unprotected lets everything in, published or not.
      ...(gw === 'routed' ? [rule(c.in, `${v6 ? 'meta l4proto ipv6-icmp' : 'ip protocol icmp'} counter accept comment "ICMP"`)] : []),
      rule(c.in, `iifname ${br} counter ${n.icc ? 'accept' : 'drop'} comment "ICC"`),
      rule(c.in, gw === 'nat-unprotected' ? 'counter accept comment "UNPROTECTED"' : 'counter drop comment "UNPUBLISHED PORT DROP"'),
      rule(c.out, established),
      rule(c.out, 'counter accept comment "OUTGOING"'),
      ...(p.userlandProxy || gw === 'routed' ? [] : [rule(c.natIn, 'fib saddr type local counter masquerade comment "MASQUERADE FROM HOST"')]),
      ...(n.masquerade && gw !== 'routed' ? [rule(c.natOut, `oifname != ${br} ${ip} saddr ${n.subnet} counter masquerade comment "MASQUERADE"`)] : []),
    ];
  };

  return {
    name: 'nftables, Docker 29',
    daemon: () => [
      {
        ...sysctlSet(p.ns, v6 ? 'net.ipv6.conf.all.forwarding' : 'net.ipv4.ip_forward', '1'),
        summary: 'the admin turns on forwarding (with the nftables backend dockerd will not, and refuses to start without it)',
      },
      nftTableAdd(t),
      ...MAPS.map((m) => nftVerdictMapAdd(t, m)),
      chain('filter-FORWARD', 'type filter hook forward priority filter ; policy accept ;'),
      // dstnat is -100; nft before 1.0.7 takes the name for prerouting only.
      chain('nat-OUTPUT', 'type nat hook output priority -100 ; policy accept ;'),
      chain('nat-POSTROUTING', 'type nat hook postrouting priority srcnat ; policy accept ;'),
      chain('nat-PREROUTING', 'type nat hook prerouting priority dstnat ; policy accept ;'),
      chain('nat-prerouting-and-output'),
      chain('raw-PREROUTING', 'type filter hook prerouting priority raw ; policy accept ;'),
      rule('filter-FORWARD', 'oifname vmap @filter-forward-in-jumps'),
      rule('filter-FORWARD', 'iifname vmap @filter-forward-out-jumps'),
      rule('nat-OUTPUT', `${p.userlandProxy ? (v6 ? 'ip6 daddr != ::1 ' : 'ip daddr != 127.0.0.0/8 ') : ''}fib daddr type local counter jump nat-prerouting-and-output`),
      rule('nat-POSTROUTING', 'iifname vmap @nat-postrouting-out-jumps'),
      rule('nat-POSTROUTING', 'oifname vmap @nat-postrouting-in-jumps'),
      rule('nat-PREROUTING', 'fib daddr type local counter jump nat-prerouting-and-output'),
    ],
    newNetwork: (n) => {
      const c = perBridge(n.bridge);
      return [
        chain(c.in),
        chain(c.out),
        chain(c.natIn),
        chain(c.natOut),
        ...bridgeRules(n),
        element('filter-forward-in-jumps', n.bridge, c.in),
        element('filter-forward-out-jumps', n.bridge, c.out),
        element('nat-postrouting-in-jumps', n.bridge, c.natIn),
        element('nat-postrouting-out-jumps', n.bridge, c.natOut),
      ];
    },
    addEndpoint: (n, ep) => (n.internal || (n.gatewayMode ?? 'nat') !== 'nat' ? [] : [rule('raw-PREROUTING', `${ip} daddr ${ep.address} iifname != ${quoted(n.bridge)} counter drop comment "DROP DIRECT ACCESS"`)]),
    addPorts: (n, ep, ports: readonly PortBinding[]) =>
      ports.flatMap((b) => {
        const c = perBridge(n.bridge);
        const on = b.hostIp === undefined || b.hostIp === '0.0.0.0' || b.hostIp === '::' ? '' : `${ip} daddr ${b.hostIp} `;
        const gw = n.gatewayMode ?? 'nat';
        // After "ct state" (and routed mode's "ICMP") and "ICC": before the chain's final UNPUBLISHED PORT DROP.
        const accept = rule(c.in, `${ip} daddr ${ep.address} ${b.protocol} dport ${b.containerPort} counter accept`, gw === 'routed' ? 2 : 1);
        // No host port (routed mode's mapper binds none); nat-unprotected lets everything in without a rule per port.
        if (b.hostPort === 0) return [accept];
        return [
          ...(gw === 'nat-unprotected' ? [] : [accept]),
          rule('nat-prerouting-and-output', `${p.userlandProxy ? `iifname != ${quoted(n.bridge)} ` : ''}${linkLocal}${on}${b.protocol} dport ${b.hostPort} counter dnat to ${to(ep.address, b.containerPort)} comment "DNAT"`),
          ...(p.userlandProxy ? [] : [rule(c.natIn, `${ip} saddr ${ep.address} ${ip} daddr ${ep.address} ${b.protocol} dport ${b.containerPort} counter masquerade comment "MASQ TO OWN PORT"`)]),
          ...(b.hostIp?.startsWith('127.') ? [rule('raw-PREROUTING', `iifname != "lo" ip daddr ${b.hostIp} ${b.protocol} dport ${b.hostPort} counter drop comment "DROP REMOTE LOOPBACK"`)] : []),
        ];
      }),
    show: () => [cmd('nft', ['list', 'table', t.family, NFT_TABLE], p.ns)],
  };
}
