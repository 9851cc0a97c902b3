import { say } from '../src/text/say.js';
import { cmd } from '../src/exec/command.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { nsName } from '../src/model/names.js';
import { addrAdd, linkDown, linkUp, netnsAdd, vethAdd } from '../src/ops/ip.js';
import type { Expectation } from '../src/plan/expectation.js';
import { ping } from '../src/docker/host.js';

const RED = { dev: 'veth0', address: '10.0.0.1' };
const BLUE = { dev: 'veth1', address: '10.0.0.2' };

function build(ctx: LabContext): LabScene {
  const red = nsName(ctx.name, 'red');
  const blue = nsName(ctx.name, 'blue');
  const peer: Expectation = {
    title: say`red's ${RED.dev} and blue's ${BLUE.dev} are one pair (ifindex <-> iflink)`,
    probe: { kind: 'veth-peer', node: 'red', dev: RED.dev, peerNode: 'blue', peerDev: BLUE.dev },
    expect: 'reach',
  };
  const look = [cmd('ip', ['link', 'show', RED.dev], red), cmd('ip', ['link', 'show', BLUE.dev], blue)];
  return {
    nodes: { red: { ns: red, role: 'container' }, blue: { ns: blue, role: 'container' } },
    steps: [
      {
        title: say`Two namespaces`,
        why: say`Two empty network namespaces, red and blue, each with its loopback up. Nothing joins them yet.`,
        docker: ['docker run --network none ... (twice)'],
        ops: [netnsAdd(red), linkUp(red, 'lo'), netnsAdd(blue), linkUp(blue, 'lo')],
        checks: [ping(say`red -> ${BLUE.address} (no cable yet)`, 'red', BLUE.address, 'fail')],
      },
      {
        title: say`Create a veth pair with one end in each`,
        why: say`A veth pair is a cable with two ends: a frame sent into one comes out of the other. ${RED.dev} is\ncreated in red and its peer ${BLUE.dev} directly in blue. Each namespace numbers its own interfaces, so\n\`ip link\` shows a veth as "<ifindex>: name@if<N>": N is the ifindex of the peer, in the other namespace.\nThat is how you find which host veth belongs to which container.`,
        docker: [say`(docker run creates such a pair for every container: eth0 inside, vethXXXX on the host)`],
        ops: [vethAdd({ ns: red, name: RED.dev, peerNs: blue, peerName: BLUE.dev })],
        checks: [peer],
        show: look,
      },
      {
        title: say`Give each end an address and bring it up`,
        why: say`Both ends are on 10.0.0.0/24, so each namespace has a connected route out of its veth,\nand a ping crosses the cable.`,
        docker: [say`(Docker assigns the container end an address from the network's subnet)`],
        ops: [
          addrAdd(red, RED.dev, `${RED.address}/24`),
          linkUp(red, RED.dev),
          addrAdd(blue, BLUE.dev, `${BLUE.address}/24`),
          linkUp(blue, BLUE.dev),
        ],
        checks: [ping(say`red -> blue (${BLUE.address})`, 'red', BLUE.address), ping(say`blue -> red (${RED.address})`, 'blue', RED.address)],
        show: [cmd('ip', ['addr', 'show', RED.dev], red), cmd('ip', ['route'], red)],
      },
      {
        title: say`Take blue's end down`,
        why: say`A pair works only when both ends are up. With ${BLUE.dev} down, red's ${RED.dev} loses its carrier\n(\`ip link\` says NO-CARRIER) and the ping fails: the cable is unplugged at one end.`,
        docker: [say`(what a stopped container's eth0 looks like from the host)`],
        ops: [linkDown(blue, BLUE.dev)],
        checks: [
          ping(say`red -> blue (${BLUE.address}) with blue's end down`, 'red', BLUE.address, 'fail'),
          ping(say`blue -> red (${RED.address}) out of its own end, down`, 'blue', RED.address, 'fail'),
        ],
        show: look,
      },
      {
        title: say`Bring it back up`,
        why: say`Plugged in again: carrier returns on both ends and packets flow.`,
        docker: [],
        ops: [linkUp(blue, BLUE.dev)],
        checks: [ping(say`red -> blue (${BLUE.address})`, 'red', BLUE.address), ping(say`blue -> red (${RED.address})`, 'blue', RED.address)],
      },
    ],
    expectations: [
      peer,
      ping(say`red -> blue (${BLUE.address})`, 'red', BLUE.address),
      ping(say`blue -> red (${RED.address})`, 'blue', RED.address),
      ping(say`red -> 10.0.0.3 (nobody else is on the cable)`, 'red', '10.0.0.3', 'fail'),
    ],
  };
}

export const vethLab = defineLab({
  id: 'veth',
  number: 2,
  title: say`A veth pair: a virtual cable between two namespaces`,
  summary: say`a veth pair joins two namespaces; find a veth's peer by ifindex/iflink; a down end breaks the ping`,
  article: say`"Docker network 구조", the virtual ethernet (veth) section: veth interfaces always come in pairs,\none end in each namespace, acting as a tunnel between them`,
  build,
});
