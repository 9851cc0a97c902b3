import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { nsName } from '../src/model/names.js';
import { addrAdd, bridgeAdd, linkSetMaster, linkUp, netnsAdd, routeAdd, vethAdd } from '../src/ops/ip.js';
import { ruleAppend } from '../src/ops/iptables.js';
import { byAdmin, type Op } from '../src/ops/op.js';
import type { Expectation } from '../src/plan/expectation.js';
import { bridgeStep, dockerdStep, dockerHost, hostStep, internetStep, type DockerHost } from '../src/docker/host.js';
import { adminForward, adminForwardShow, adminPlace } from '../src/docker/host-firewall.js';
import { cmd } from '../src/exec/command.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`"Since installing Docker my VMs have no internet": FORWARD policy DROP and a second bridge`;

// libvirt's default network, as a VM manager sets it up: a bridge with its own subnet, a VM
// on it, and a MASQUERADE for what leaves. It relies on forwarding and on FORWARD letting its
// traffic through, as it does while the policy is ACCEPT.
const VIRBR = { bridge: 'virbr0', subnet: '192.168.122.0/24', gateway: '192.168.122.1', vm: '192.168.122.10', prefix: 24, port: 'vnet0' } as const;

function vmNetwork(ctx: LabContext, h: DockerHost): { ns: string; ops: Op[] } {
  const ns = nsName(ctx.name, 'vm');
  h.nodes.vm = { ns, role: 'wan' };
  return {
    ns,
    // The VM manager's, not Docker's: a real dockerd judging the lab is not held to them.
    ops: byAdmin([
      bridgeAdd(h.host, VIRBR.bridge, h.tools),
      addrAdd(h.host, VIRBR.bridge, `${VIRBR.gateway}/${VIRBR.prefix}`),
      linkUp(h.host, VIRBR.bridge),
      netnsAdd(ns),
      linkUp(ns, 'lo'),
      vethAdd({ ns, name: 'eth0', peerNs: h.host, peerName: VIRBR.port }),
      linkSetMaster(h.host, VIRBR.port, VIRBR.bridge, h.tools),
      linkUp(h.host, VIRBR.port),
      addrAdd(ns, 'eth0', `${VIRBR.vm}/${VIRBR.prefix}`),
      linkUp(ns, 'eth0'),
      routeAdd(ns, { to: 'default', via: VIRBR.gateway }),
      ruleAppend(h.host, { table: 'nat', chain: 'POSTROUTING', match: ['-s', VIRBR.subnet, '!', '-d', VIRBR.subnet], target: ['-j', 'MASQUERADE'] }),
    ]),
  };
}

function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { engine } = h;
  const nft = h.profile.firewall === 'nftables';
  const c1 = docker.run(engine, { name: 'c1', image: 'busybox', command: ['sleep', 'infinity'] });
  h.nodes.c1 = { ns: c1.endpoint.ns, role: 'container' };
  const vm = vmNetwork(ctx, h);

  const ping = (title: string, from: string, expect: 'reach' | 'fail'): Expectation => ({ title, probe: { kind: 'ping', from, to: WAN.server }, expect });
  const vmOnline = ping(say`vm -> internet server ${WAN.server}`, 'vm', 'reach');
  const vmCut = nft ? ping(say`vm -> internet server ${WAN.server}: still online (the nftables backend sets no DROP policy)`, 'vm', 'reach') : ping(say`vm -> internet server ${WAN.server}: cut off by FORWARD policy DROP`, 'vm', 'fail');
  // The accept names the uplink: the VM may go out, not into Docker's bridge.
  const vmToC1: Expectation = { title: say`vm -> c1 (${c1.endpoint.address}): Docker's bridge still refuses what it did not publish`, probe: { kind: 'ping', from: 'vm', to: c1.endpoint.address }, expect: 'fail' };
  const c1Online = ping(say`c1 -> internet server ${WAN.server}: Docker's own traffic has its accepts`, 'c1', 'reach');

  const letVmThrough = [
    { iptables: { match: ['-i', VIRBR.bridge, '-o', WAN.uplink], target: 'ACCEPT' as const }, nft: `iifname "${VIRBR.bridge}" oifname "${WAN.uplink}" accept` },
    { iptables: { match: ['-o', VIRBR.bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'], target: 'ACCEPT' as const }, nft: `oifname "${VIRBR.bridge}" ct state established,related accept` },
  ];

  return {
    nodes: h.nodes,
    dockerHost: engine,
    steps: [
      hostStep(h),
      internetStep(h),
      bridgeStep(h),
      {
        ...dockerdStep(h, 'forward-drop'),
        why:
          (nft
            ? say`With the nftables backend dockerd does not turn forwarding on (the admin does) and sets no policy: its rules\nlive in its own table and accept only what is Docker's.\n`
            : say`The host booted with forwarding off. dockerd turns it on, and because it had to, it also sets the FORWARD policy to\nDROP: otherwise turning on forwarding would route anything between any two interfaces. Its own accepts cover its bridges.\n`) +
          say`(\`nslab versions forward-drop\` shows how 27, 28 and 29 differ.)`,
      },
      {
        title: say`docker run c1`,
        why: say`A container on docker0: Docker's rules accept what leaves docker0 and what comes back.`,
        docker: [c1.line],
        ops: c1.ops,
        checks: [c1Online],
      },
      {
        title: say`The VM manager's network: virbr0, a VM, MASQUERADE`,
        why:
          say`libvirt's default network: ${VIRBR.bridge} at ${VIRBR.gateway} on ${VIRBR.subnet}, a VM on it (${VIRBR.vm}), and a MASQUERADE for what\nleaves. Forwarding is on already (dockerd turned it on), so the VM manager adds no rule of its own to FORWARD.\n` +
          (nft
            ? say`The FORWARD policy is still ACCEPT: the VM is online.`
            : say`The symptom: the VM pings nothing outside. Its packets reach FORWARD, nothing there accepts ${VIRBR.bridge} -> ${WAN.uplink},\nand the policy DROP Docker set takes them. See it: \`nslab why ${ctx.name} vm ${WAN.server}\` and \`nslab trace ${ctx.name} vm ${WAN.server}\`.`),
        docker: [say`(the VM manager: virsh net-start default)`],
        ops: vm.ops,
        checks: [vmCut],
        diagnose: { from: 'vm', to: WAN.server },
      },
      {
        title: say`Fix: let virbr0 through in ${adminPlace(h)}`,
        why:
          say`Accept what goes from ${VIRBR.bridge} out to ${WAN.uplink}, and the replies coming back to it. DOCKER-USER is the place because FORWARD jumps there first and\ndockerd never rewrites it; a rule inserted into FORWARD itself may end up below Docker's chains after a restart.\n` +
          (h.profile.docker === '27' ? '' : say`From 28.0 there is also \`dockerd --ip-forward-no-drop\`: forwarding on, policy left as it was.\n`) +
          (nft ? say`With nftables nothing needed fixing; the accepts in a table of the admin's own are kept for the lesson.` : ''),
        docker: [say`(the admin: ${nft ? `nft add rule ip host-firewall forward ${letVmThrough.map((r) => r.nft).join('; ')}` : letVmThrough.map((r) => `iptables -I DOCKER-USER ${r.iptables.match.join(' ')} -j ACCEPT`).join('; ')})`],
        ops: adminForward(h, letVmThrough),
        checks: [vmOnline],
        show: [adminForwardShow(h), cmd('iptables', ['-S', 'FORWARD'], h.host)],
      },
    ],
    expectations: [vmOnline, c1Online, vmToC1],
    trace: { from: 'vm', to: WAN.server, look: say`the VM's ping leaves ${VIRBR.bridge}, crosses FORWARD by the admin's accept, and is masqueraded onto ${WAN.uplink}` },
  };
}

export const forwardDropLab = defineLab({
  id: 'forward-drop',
  number: 16,
  title: TITLE,
  summary: say`a VM bridge (libvirt's virbr0) loses its internet when dockerd sets FORWARD policy DROP; fixed in DOCKER-USER (or 28's --ip-forward-no-drop)`,
  article: say`moby/moby#39439, docker/for-linux#949: Docker breaks libvirt/KVM/LXD bridge networking`,
  versions: [
    { in: '27, 28, 29', what: say`dockerd sets FORWARD policy DROP when it had to turn forwarding on; DOCKER-USER is where the admin accepts other bridges` },
    { in: '28, 29', what: say`\`--ip-forward-no-drop\` turns forwarding on without touching the policy` },
    { in: '29 nftables', what: say`dockerd neither turns forwarding on nor sets a policy: the VM keeps its internet` },
  ],
  build,
});
