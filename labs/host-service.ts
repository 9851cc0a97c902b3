import { say } from '../src/text/say.js';
import { WAN } from '../src/model/defaults.js';
import { defineLab, type LabContext, type LabScene } from '../src/plan/lab.js';
import { daemonStart, daemonStop } from '../src/ops/process.js';
import type { Expectation } from '../src/plan/expectation.js';
import { dockerHost, dockerHostSteps } from '../src/docker/host.js';
import { inputAccept, ufwStyleInput } from '../src/docker/host-firewall.js';
import { cmd } from '../src/exec/command.js';
import * as docker from '../src/docker/scene.js';

const TITLE = say`"My container cannot reach a service on the host": bound to 127.0.0.1, and INPUT DROP on docker0`;
const SERVICE = 8000;

// Two reasons a container's connection to its own host fails, each its own symptom on the
// wire: a service listening on 127.0.0.1 answers a connection for the bridge's address with a
// reset (refused, at once), and a firewall that drops docker0's traffic in INPUT answers with
// nothing (a timeout). The container reaches the host at docker0's address, the gateway, which
// --add-host host.docker.internal:host-gateway names.
function build(ctx: LabContext): LabScene {
  const h = dockerHost(ctx);
  const { engine } = h;
  const gateway = h.net.ipam.gateway;
  const app = docker.run(engine, { name: 'app', addHosts: [{ name: 'host.docker.internal', address: 'host-gateway' }], image: 'alpine', command: ['sleep', 'infinity'] });
  h.nodes.app = { ns: app.endpoint.ns, role: 'container' };
  const serve = (bind: string) => daemonStart(h.host, ctx.stateDir, 'host-api', ['http-server', bind, String(SERVICE), 'the docker host']);

  const http = (title: string, from: string, to: string, expect: 'reach' | 'fail', body?: string): Expectation => ({ title, probe: { kind: 'http', from, to, port: SERVICE, body }, expect });
  const url = `http://host.docker.internal:${SERVICE}`;
  const onHost = http(say`host -> http://127.0.0.1:${SERVICE}: the service works on the host`, 'host', '127.0.0.1', 'reach', 'hello from the docker host');
  const refused = http(say`app -> ${url}: refused (bound to 127.0.0.1)`, 'app', 'host.docker.internal', 'fail');
  const reached = http(say`app -> ${url} (${gateway})`, 'app', 'host.docker.internal', 'reach', `you are ${app.endpoint.address}`);
  const dropped = http(say`app -> ${url}: no answer (INPUT drops docker0)`, 'app', 'host.docker.internal', 'fail');
  const fromWan = http(say`wan -> http://${WAN.hostAddress}:${SERVICE}: still closed to the internet`, 'wan', WAN.hostAddress, 'fail');

  return {
    nodes: h.nodes,
    dockerHost: engine,
    steps: [
      ...dockerHostSteps(h, 'host-service'),
      {
        title: say`docker run --add-host host.docker.internal:host-gateway`,
        why: say`host-gateway is the default bridge's gateway, ${gateway}: the address of docker0, the host's own address on the\ncontainers' network. That is where a container reaches its host.`,
        docker: [app.line],
        ops: app.ops,
        show: [cmd('cat', ['/etc/hosts'], app.endpoint.ns)],
      },
      {
        title: say`A service on the host, listening on 127.0.0.1:${SERVICE}`,
        why:
          say`The usual development default (a dev server, a database "for local use"): bound to 127.0.0.1, it takes connections\nfor 127.0.0.1 only. app's connection arrives for ${gateway}, and the kernel answers it with a reset: "connection\nrefused", at once. See it: \`nslab why ${ctx.name} app ${gateway} --port ${SERVICE}\` (and \`ss -ltn\` on the host).`,
        docker: [say`(a process on the host: python3 -m http.server --bind 127.0.0.1 ${SERVICE})`],
        ops: [serve('127.0.0.1')],
        checks: [onHost, refused],
        diagnose: { from: 'app', to: gateway, port: SERVICE },
        show: [cmd('ss', ['-ltn'], h.host)],
      },
      {
        title: say`Fix 1: bind it to 0.0.0.0 (or ${gateway})`,
        why: say`Restarted on every address, the service takes app's connection to ${gateway}.`,
        docker: [say`(on the host: python3 -m http.server --bind 0.0.0.0 ${SERVICE})`],
        ops: [daemonStop(ctx.stateDir, 'host-api'), serve('0.0.0.0')],
        checks: [reached],
      },
      {
        title: say`The admin turns on a firewall: INPUT policy DROP`,
        why:
          say`ufw default deny incoming (ssh allowed): INPUT drops what is not accepted, and docker0 is an interface like any\nother. app's SYN now gets no answer at all, and the connection times out: the other symptom, told apart by the\nwait. See it: \`nslab why ${ctx.name} app ${gateway} --port ${SERVICE}\` and \`nslab trace ${ctx.name} app ${gateway} --port ${SERVICE}\`.`,
        docker: [say`(the admin: ufw default deny incoming && ufw allow ssh && ufw enable)`],
        ops: ufwStyleInput(h),
        checks: [dropped, onHost],
        diagnose: { from: 'app', to: gateway, port: SERVICE },
        show: [cmd('iptables', ['-S', 'INPUT'], h.host)],
      },
      {
        title: say`Fix 2: accept port ${SERVICE} from docker0 in INPUT`,
        why:
          say`\`ufw allow in on docker0 to any port ${SERVICE}\`: an INPUT accept for the bridge's interface and that port only. The internet\nstill gets nothing on ${SERVICE}: the rule names docker0, not eth0.`,
        docker: [say`(the admin: iptables -I INPUT -i ${h.net.bridge} -p tcp --dport ${SERVICE} -j ACCEPT)`],
        ops: [inputAccept(h, ['-i', h.net.bridge, '-p', 'tcp', '-m', 'tcp', '--dport', String(SERVICE)])],
        checks: [reached, fromWan],
      },
    ],
    expectations: [reached, onHost, fromWan],
    trace: { from: 'app', to: gateway, port: SERVICE, look: say`app's connection goes up its veth onto ${h.net.bridge} and is delivered to the host at ${gateway}, where INPUT now accepts it` },
  };
}

export const hostServiceLab = defineLab({
  id: 'host-service',
  number: 15,
  title: TITLE,
  summary: say`a container cannot reach a host service bound to 127.0.0.1 (refused) or behind INPUT DROP (timeout); fixed by binding 0.0.0.0 and an INPUT accept on docker0`,
  article: say`"Docker Netowrk" (the first chapter): reaching a service on the host as host.docker.internal; docker/for-linux#264`,
  versions: [{ in: '27, 28, 29', what: say`the same in every version: the host-gateway address, and INPUT, are the host's, not Docker's` }],
  build,
});
