import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import { cmd } from '../src/exec/command.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { ruleTag } from '../src/model/names.js';
import type { Expectation } from '../src/plan/expectation.js';
import { bridgeStep, containerStep, dockerHost, firewallWhy, forwardingOp, holds, hostStep, internetStep, masqueradeOp, ping } from '../src/docker/host.js';
import type { Op } from '../src/ops/op.js';

// The article's two pieces, one at a time: ip_forward, then MASQUERADE. The rest of what the
// selected dockerd writes comes first, so the lab ends where a real Docker host is and each of
// the two is seen to be what was missing.
const isForwarding = (op: Op): boolean => op.cmd.file === 'sysctl' && op.cmd.args.includes('net.ipv4.ip_forward=1');
const isMasquerade = (subnet: string) => (op: Op): boolean =>
  op.cmd.args.includes(subnet) && ((op.cmd.file === 'iptables' && op.cmd.args.includes('MASQUERADE')) || (op.cmd.file === 'nft' && op.cmd.args.includes('"MASQUERADE"')));

function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { step: c1Step, endpoint: c1 } = containerStep(h, 'c1');
  const forwarding = (value: string) => holds(say`host: net.ipv4.ip_forward = ${value}`, 'host', ['sysctl', '-n', 'net.ipv4.ip_forward'], `^${value}$`);
  const seenAs: Expectation = {
    title: say`the internet server sees c1 as ${WAN.hostAddress}`,
    probe: { kind: 'source', from: 'c1', server: 'wan', to: WAN.server, port: 0, source: WAN.hostAddress },
    expect: 'reach',
  };
  const tag = h.host === undefined ? ` -m comment --comment "?${ruleTag(ctx.name)}"?` : '';
  const nft = h.profile.firewall === 'nftables';
  const natRule = nft
    ? holds(
        say`host: nat-postrouting-out__${h.net.bridge} has the MASQUERADE rule`,
        'host',
        ['nft', 'list', 'chain', 'ip', 'docker-bridges', `nat-postrouting-out__${h.net.bridge}`],
        `oifname != "${h.net.bridge}" ip saddr ${h.net.ipam.subnet.cidr} counter .*masquerade comment "MASQUERADE"`,
      )
    : holds(
        say`host: nat POSTROUTING has the MASQUERADE rule`,
        'host',
        ['iptables', '-t', 'nat', '-S', 'POSTROUTING'],
        `^-A POSTROUTING -s ${h.net.ipam.subnet.cidr} ! -o ${h.net.bridge}${tag} -j MASQUERADE$`,
      );
  // In the sandbox the three firewall steps below are exactly dockerd's rules, split; in
  // root-namespace mode only forwarding and MASQUERADE, tagged.
  const sandbox = h.host !== undefined;
  const masq = sandbox ? h.start.firewall.filter(isMasquerade(h.net.ipam.subnet.cidr)) : [masqueradeOp(h)];
  const rest = sandbox ? h.start.firewall.filter((op) => !isForwarding(op) && !isMasquerade(h.net.ipam.subnet.cidr)(op)) : [];
  const server = `internet server ${WAN.server}`;

  return {
    nodes: h.nodes,
    dockerHost: h.engine,
    steps: [
      hostStep(h),
      internetStep(h),
      bridgeStep(h),
      ...(sandbox
        ? [
            {
              title: say`dockerd's chains, without forwarding and MASQUERADE`,
              why:
                say`dockerd writes its chains before any container runs: they let the bridge's traffic out and replies back\nin (and FORWARD policy DROP under iptables), and nothing else. The two pieces this lab is about are held\nback for the next steps.\n${firewallWhy(h, 'egress')}`,
              docker: [say`dockerd (on start)`],
              ops: rest,
              show: h.engine.fw.show(),
            },
          ]
        : []),
      {
        ...c1Step,
        checks: [
          ping(say`c1 -> gateway ${h.net.ipam.gateway}`, 'c1', h.net.ipam.gateway),
          // Addresses of the host itself are delivered locally: no forwarding involved.
          ping(say`c1 -> the host's own uplink address ${WAN.hostAddress}`, 'c1', WAN.hostAddress),
          forwarding('0'),
          ping(say`c1 -> ${server} (the host does not forward)`, 'c1', WAN.server, 'fail'),
        ],
      },
      {
        title: say`Turn on ip_forward`,
        why: say`Now the host routes c1's packets out of eth0. They arrive with source ${c1.address}, a private\naddress the internet has no route back to, so the replies are lost: still no answer.`,
        docker: [say`dockerd (on start): sysctl net.ipv4.ip_forward=1`],
        ops: [forwardingOp(h)],
        checks: [forwarding('1'), ping(say`c1 -> ${server} (replies have no way back)`, 'c1', WAN.server, 'fail')],
        show: [cmd('sysctl', ['net.ipv4.ip_forward'], h.host)],
      },
      {
        title: say`Add the MASQUERADE rule`,
        why: say`Docker's rule \`-t nat -A POSTROUTING -s ${h.net.ipam.subnet.cidr} ! -o docker0 -j MASQUERADE\` rewrites the\nsource of packets leaving the subnet to the host's own address, ${WAN.hostAddress}. The server answers\nthe host, and conntrack turns the answer back into one for c1.`,
        docker: [say`dockerd (on start), for every network with enable_ip_masquerade=true`],
        ops: masq,
        checks: [ping(say`c1 -> ${server}`, 'c1', WAN.server), seenAs],
        show: nft ? h.engine.fw.show() : [cmd('iptables', ['-t', 'nat', '-S', 'POSTROUTING'], h.host)],
      },
    ],
    trace: { from: 'c1', to: WAN.server, look: say`c1's ping leaves as its own address on docker0 and is ${WAN.hostAddress} on the uplink: the MASQUERADE rule, named` },
    expectations: [
      ping(say`c1 -> ${server}`, 'c1', WAN.server),
      seenAs,
      forwarding('1'),
      natRule,
      ping(say`wan -> c1 (${c1.address})`, 'wan', c1.address, 'fail'),
    ],
  };
}

export const egressLab = defineLab({
  id: 'egress',
  number: 4,
  title: say`How a container reaches the internet: ip_forward and MASQUERADE`,
  summary: say`without ip_forward and MASQUERADE a container cannot reach 203.0.113.10; with them it can, seen as the host`,
  article: say`"Docker Netowrk" (the picture: container eth0 172.17.0.x -> veth -> docker0 -> host eth0 -> outside)\nand chapter 4's "container <-> www works without any setup": this is the setup Docker does for you`,
  build,
});
