import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import { connectInternet } from '../src/docker/internet.js';
import { cmd } from '../src/exec/command.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { nsName } from '../src/model/names.js';
import { linkUp, netnsAdd } from '../src/ops/ip.js';
import type { Expectation } from '../src/plan/expectation.js';
import { holds, ping } from '../src/docker/host.js';

// Whole-output anchors: the output is exactly this, nothing before or after.
const START = '(?<![\\s\\S])';
const END = '\\s*(?![\\s\\S])';
const ONLY_LO_DOWN = `${START}1: lo: <LOOPBACK> .*state DOWN.*${END}`;
const ONLY_LO_UP = `${START}1: lo: <LOOPBACK,UP,LOWER_UP> .*${END}`;
const EMPTY = `${START}${END}`;

function build(ctx: LabContext): LabScene {
  const host = nsName(ctx.name, 'host');
  const wan = nsName(ctx.name, 'wan');
  const red = nsName(ctx.name, 'red');
  const links = ['ip', '-o', 'link', 'show'];
  const hostAddr = WAN.hostAddress;

  const expectations: Expectation[] = [
    holds(say`red has exactly one interface: lo, up`, 'red', links, ONLY_LO_UP),
    ping(say`red -> its own 127.0.0.1`, 'red', '127.0.0.1'),
    ping(say`red -> the host's address ${hostAddr}`, 'red', hostAddr, 'fail'),
    ping(say`host -> its neighbour ${WAN.wanAddress}`, 'host', WAN.wanAddress),
    // Ports are per namespace too: a server on red's 127.0.0.1 is invisible from the host's.
    { title: say`red -> a server on red's 127.0.0.1`, probe: { kind: 'tcp', from: 'red', server: 'red', to: '127.0.0.1', port: 0 }, expect: 'reach' },
    { title: say`host -> that server (the host's 127.0.0.1 is another lo)`, probe: { kind: 'tcp', from: 'host', server: 'red', to: '127.0.0.1', port: 0 }, expect: 'fail' },
  ];

  return {
    nodes: { host: { ns: host, role: 'host' }, wan: { ns: wan, role: 'wan' }, red: { ns: red, role: 'container' } },
    steps: [
      {
        title: say`The host and its network`,
        why: say`The host stands for your machine's own network stack (in nslab it is a namespace too, so your\nreal network is never touched). It has lo and an eth0 with ${hostAddr} on a network whose\nother end, ${WAN.wanAddress}, plays the rest of the world.`,
        docker: [say`(the machine dockerd runs on)`],
        ops: [netnsAdd(host), linkUp(host, 'lo'), ...connectInternet(host, wan)],
        checks: [ping(say`host -> ${WAN.wanAddress}`, 'host', WAN.wanAddress)],
        show: [cmd('ip', ['addr'], host), cmd('ip', ['route'], host)],
      },
      {
        title: say`Create a new network namespace`,
        why: say`A new network namespace is an empty network stack: its own interface list, addresses,\nrouting table, ports and /proc/net. It starts with nothing but a loopback that is down,\nand it sees none of the host's interfaces, so the host's address is simply not there.`,
        docker: ['docker run --network none ... (every container starts from an empty namespace)'],
        ops: [netnsAdd(red)],
        checks: [
          holds(say`red has exactly one interface: lo, down`, 'red', links, ONLY_LO_DOWN),
          holds(say`red has an empty routing table`, 'red', ['ip', 'route', 'show'], EMPTY),
          ping(say`red -> 127.0.0.1 (lo is down)`, 'red', '127.0.0.1', 'fail'),
          ping(say`red -> the host's address ${hostAddr}`, 'red', hostAddr, 'fail'),
        ],
        show: [cmd('ip', ['link'], red), cmd('ip', ['route'], red)],
      },
      {
        title: say`Bring its loopback up`,
        why: say`Even 127.0.0.1 needs an interface that is up. Once lo is up, red can talk to itself,\nand still to nothing else: it has no interface leading out.`,
        docker: [say`(Docker brings lo up in every container)`],
        ops: [linkUp(red, 'lo')],
        checks: [ping(say`red -> 127.0.0.1`, 'red', '127.0.0.1'), ping(say`red -> the host's address ${hostAddr}`, 'red', hostAddr, 'fail')],
        show: [cmd('ip', ['addr'], red)],
      },
    ],
    expectations,
  };
}

export const namespacesLab = defineLab({
  id: 'namespaces',
  number: 1,
  title: say`A network namespace: its own interfaces, addresses, routes and ports`,
  summary: say`a new namespace has only lo (down) and cannot reach the host; its ports and 127.0.0.1 are its own`,
  article: say`"Docker network 구조", the Network Namespace picture (networknamespace.drawio): each namespace has\nits own interfaces, IP addresses, routing table, port numbers and /proc/net`,
  build,
});
