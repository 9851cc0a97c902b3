import { instanceDir } from '../../../src/lifecycle/state.js';
import { describe, expect, it } from 'vitest';
import { LABS } from '../../../labs/index.js';
import { renderCmd } from '../../../src/exec/command.js';
import { findLab } from '../../../src/plan/catalogue.js';
import { expectSandboxed, teardownLines } from './support.js';
import { planOps, type Step } from '../../../src/plan/plan.js';
import type { Expectation } from '../../../src/plan/expectation.js';

const build = (id: string, options: Record<string, string> = {}) => findLab(id).build({ name: 'u1', stateDir: instanceDir('u1'), env: { brctl: true }, options });
const lines = (steps: readonly Step[]) => planOps(steps).map((op) => renderCmd(op.cmd));
const stepNamed = (id: string, title: string) => build(id).steps.find((s) => s.title === title)!;
const fails = (checks: readonly Expectation[] | undefined) => (checks ?? []).filter((c) => c.expect === 'fail').map((c) => c.title);

describe.each(LABS.map((l) => [l.id, l] as const))('lab %s', (id) => {
  const model = build(id);

  it('touches nothing outside its own nslab-u1- namespaces (and files named after them)', () => {
    expectSandboxed(model);
  });

  it('tears down by deleting its namespaces (and removing its files) only', () => {
    const undo = teardownLines(model);
    const deleted = undo.filter((l) => l.startsWith('ip netns del ')).map((l) => l.slice('ip netns del '.length));
    expect(undo.filter((l) => !l.startsWith('ip netns del ') && !/^agent remove-file /.test(l)), undo.join('\n')).toEqual([]);
    // Nodes sharing a namespace (host mode, container:<name>) are one namespace to delete.
    expect(new Set(deleted)).toEqual(new Set(Object.values(model.nodes).flatMap((n) => (n.ns === undefined ? [] : [n.ns]))));
  });

  it('ends with what must reach and what must not, on nodes it has', () => {
    expect(model.expectations.some((e) => e.expect === 'reach')).toBe(true);
    const nodes = new Set(Object.keys(model.nodes));
    for (const e of [...model.expectations, ...model.steps.flatMap((s) => s.checks ?? [])]) {
      // By field name, so probe kinds added later are covered too.
      const p = e.probe as Partial<Record<'from' | 'server' | 'node' | 'peerNode', string>>;
      const used = [p.from, p.server, p.node, p.peerNode].filter((n): n is string => n !== undefined);
      expect(used.length, e.title).toBeGreaterThan(0);
      for (const n of used) expect(nodes.has(n), `${e.title}: ${n}`).toBe(true);
    }
  });
});

describe('lab numbers', () => {
  it('are unique, and `nslab lab 3` finds docker0', () => {
    const numbers = LABS.flatMap((l) => (l.number === undefined ? [] : [l.number]));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(findLab('3').id).toBe('docker0');
    expect(findLab('1').id).toBe('namespaces');
  });
});

describe('namespaces', () => {
  it('creates red with nothing, checks only lo (down) and no reach, then brings lo up', () => {
    const create = stepNamed('namespaces', 'Create a new network namespace');
    expect(lines([create])).toEqual(['ip netns add nslab-u1-red']);
    expect(fails(create.checks)).toEqual(['red -> 127.0.0.1 (lo is down)', "red -> the host's address 198.51.100.2"]);
    const onlyLo = create.checks!.find((c) => c.title.includes('only') || c.title.includes('exactly'))!;
    const re = new RegExp((onlyLo.probe as { match: string }).match, 'm');
    expect(re.test('1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00\n')).toBe(true);
    expect(re.test('1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT\n2: eth0: <BROADCAST> state DOWN\n')).toBe(false);
    expect(lines([stepNamed('namespaces', 'Bring its loopback up')])).toEqual(['ip -n nslab-u1-red link set dev lo up']);
  });
});

describe('veth', () => {
  it('creates the pair across namespaces, unplugs one end, plugs it back', () => {
    expect(lines(build('veth').steps)).toEqual(
      expect.arrayContaining([
        'ip -n nslab-u1-red link add veth0 type veth peer name veth1 netns nslab-u1-blue',
        'ip -n nslab-u1-blue link set dev veth1 down',
      ]),
    );
    const all = lines(build('veth').steps);
    expect(all.lastIndexOf('ip -n nslab-u1-blue link set dev veth1 up')).toBeGreaterThan(all.indexOf('ip -n nslab-u1-blue link set dev veth1 down'));
    expect(fails(stepNamed('veth', "Take blue's end down").checks)).toHaveLength(2);
    expect(build('veth').expectations[0]!.probe).toEqual({ kind: 'veth-peer', node: 'red', dev: 'veth0', peerNode: 'blue', peerDev: 'veth1' });
  });
});

describe('egress', () => {
  it("writes dockerd's chains, then shows the failure without forwarding, and without MASQUERADE, before the fix", () => {
    const m = build('egress');
    expect(m.steps.map((s) => s.title).slice(3)).toEqual([
      "dockerd's chains, without forwarding and MASQUERADE",
      'Start container c1',
      'Turn on ip_forward',
      'Add the MASQUERADE rule',
    ]);
    expect(lines([m.steps[3]!])).toContain('ip netns exec nslab-u1-host iptables -w -t filter -P FORWARD DROP');
    expect(lines([m.steps[3]!]).some((l) => l.includes('MASQUERADE') || l.includes('ip_forward'))).toBe(false);
    expect(fails(m.steps[4]!.checks)).toEqual(['c1 -> internet server 203.0.113.10 (the host does not forward)']);
    expect(fails(m.steps[5]!.checks)).toEqual(['c1 -> internet server 203.0.113.10 (replies have no way back)']);
    expect(lines([m.steps[5]!])).toEqual(['ip netns exec nslab-u1-host sysctl -w net.ipv4.ip_forward=1']);
    expect(lines([m.steps[6]!])).toEqual(["ip netns exec nslab-u1-host iptables -w -t nat -I POSTROUTING -s 172.17.0.0/16 '!' -o docker0 -j MASQUERADE"]);
  });

  it('does the same with the nftables backend, the MASQUERADE being a rule of the bridge\'s own chain', () => {
    const m = build('egress', { firewall: 'nftables' });
    expect(lines([m.steps[6]!])).toEqual([
      `ip netns exec nslab-u1-host nft add rule ip docker-bridges nat-postrouting-out__docker0 oifname '!=' '"docker0"' ip saddr 172.17.0.0/16 counter masquerade comment '"MASQUERADE"'`,
    ]);
  });
});

describe('ports', () => {
  const rules = (docker: string) => lines(build('ports', { docker }).steps).map((l) => l.replace('ip netns exec nslab-u1-host iptables -w ', ''));

  it("publishes 8080:80 with Docker 29's rule shapes, untagged in the lab's own host namespace", () => {
    expect(rules('29')).toEqual(
      expect.arrayContaining([
        '-t nat -N DOCKER',
        '-t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
        "-t nat -A OUTPUT '!' -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER",
        "-t nat -A DOCKER '!' -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80",
        "-t filter -I DOCKER -d 172.17.0.2/32 '!' -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT",
        "-t raw -A PREROUTING -d 172.17.0.2/32 '!' -i docker0 -j DROP",
        '-t filter -P FORWARD DROP',
        '-t filter -A DOCKER-BRIDGE -o docker0 -j DOCKER',
      ]),
    );
    expect(rules('29').some((l) => l.includes('comment'))).toBe(false);
    // docker-proxy serves localhost:8080, which the nat OUTPUT rule leaves alone.
    expect(rules("29").some((l) => / daemon --netns nslab-u1-host \S+docker-proxy-web-8080\.pid tcp-proxy 0\.0\.0\.0 8080 172\.17\.0\.2 80$/.test(l))).toBe(true);
    expect(rules("29").some((l) => / daemon --netns nslab-u1-web \S+web-http\.pid http-server 0\.0\.0\.0 80 web$/.test(l))).toBe(true);
  });

  it("and with Docker 27's: straight in FORWARD, the hairpin MASQUERADE always", () => {
    expect(rules('27')).toEqual(
      expect.arrayContaining([
        '-t filter -I FORWARD 3 -o docker0 -j DOCKER',
        "-t nat -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE",
        '-t nat -I DOCKER -i docker0 -j RETURN',
      ]),
    );
    expect(rules('27').some((l) => l.includes('-t raw'))).toBe(false);
  });
});
