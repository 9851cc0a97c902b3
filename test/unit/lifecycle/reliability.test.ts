import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, readFileSync } from 'node:fs';
import { instanceDir } from '../../../src/lifecycle/state.js';
import type { NslabError } from '../../../src/errors.js';
import { describe, expect, it } from 'vitest';
import { docker0Lab } from '../../../labs/docker0.js';
import { faultPlanFromEnv } from '../../../src/apply/fault.js';
import { applyOps } from '../../../src/apply/apply.js';
import { MemoryJournal } from '../../../src/apply/journal.js';
import { teardown } from '../../../src/apply/teardown.js';
import { renderCmd } from '../../../src/exec/command.js';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';
import { parseIptablesSave } from '../../../src/kernel/iptables-save.js';
import { linkKindsOf, requireLinkKinds } from '../../../src/kernel/link-kinds.js';
import { assertRootFree, rootOps } from '../../../src/kernel/root-conflicts.js';
import { interruptibleJournal } from '../../../src/lifecycle/interrupt.js';
import { assertRoomFor, validateContainerCount } from '../../../src/model/lab-options.js';
import { Ipam } from '../../../src/model/ipam.js';
import { allocatePorts, parsePortSpec } from '../../../src/docker/port-spec.js';
import { netnsAdd, linkUp } from '../../../src/ops/ip.js';
import { tableAdopt } from '../../../src/ops/iptables.js';
import { planOps } from '../../../src/plan/plan.js';

const env = { brctl: false };

describe('fault injection', () => {
  it('is off unless asked, and reads the op count and signal', () => {
    expect(faultPlanFromEnv({})).toBeUndefined();
    expect(faultPlanFromEnv({ NSLAB_FAULT_AFTER: '3' })).toEqual({ after: 3, signal: 'SIGKILL' });
    expect(faultPlanFromEnv({ NSLAB_FAULT_AFTER: '3', NSLAB_FAULT_SIGNAL: 'int' })).toEqual({ after: 3, signal: 'SIGINT' });
    expect(() => faultPlanFromEnv({ NSLAB_FAULT_AFTER: '0' })).toThrow(/invalid fault injection/);
    expect(() => faultPlanFromEnv({ NSLAB_FAULT_AFTER: '2', NSLAB_FAULT_SIGNAL: 'HUP' })).toThrow(/invalid fault injection NSLAB_FAULT_AFTER=2 NSLAB_FAULT_SIGNAL=HUP/);
  });
});

describe('interruption', () => {
  it('stops at the next op once the signal aborts, and the rollback undoes only what ran', async () => {
    const controller = new AbortController();
    const runner = new RecordingRunner({ dryRun: false, responder: (c) => (c.args[1] === 'add' ? (controller.abort('SIGINT'), undefined) : undefined) });
    const journal = interruptibleJournal(new MemoryJournal(), controller.signal);
    await expect(applyOps([netnsAdd('nslab-i-a'), linkUp('nslab-i-a', 'lo'), netnsAdd('nslab-i-b')], runner, journal)).rejects.toThrow(/aborted by SIGINT before: bring lo up/);
    const undo = new RecordingRunner({ dryRun: false });
    await teardown(journal.entries(), undo);
    // Both `netns add`s share one `ip -batch` (the interrupt lands at the next process
    // boundary), so both ran, and both are undone.
    expect(undo.lines()).toEqual(['ip netns del nslab-i-b', 'ip netns del nslab-i-a']);
  });
});

describe('root-namespace mode of docker0', () => {
  const sandbox = planOps(docker0Lab.build({ name: 'u', stateDir: instanceDir('u'), env, options: {} }).steps);
  const root = planOps(docker0Lab.build({ name: 'u', stateDir: instanceDir('u'), env, options: { rootNs: true } }).steps);

  it('the sandbox touches nothing in the root namespace', () => {
    expect(rootOps(sandbox)).toEqual([]);
  });

  it('tags every root link, never names the uplink eth0, adds no default route, and accepts FORWARD for the bridge', () => {
    const lines = rootOps(root).map((op) => renderCmd(op.cmd));
    expect(lines).toContain('ip link set dev docker0 alias nslab:u');
    expect(lines.filter((l) => / link add wan-[0-9a-f]{7} type veth/.test(l))).toHaveLength(1);
    expect(lines.some((l) => /alias nslab:u$/.test(l) && l.includes('wan-'))).toBe(true);
    // eth0 exists only as the peer's name inside the wan namespace.
    expect(lines.some((l) => /(dev|link add) eth0( |$)/.test(l))).toBe(false);
    expect(lines.some((l) => l.includes('route add default'))).toBe(false);
    expect(lines).toContain('ip route add 203.0.113.10/32 via 198.51.100.1');
    expect(lines).toContain('iptables -w -t filter -I FORWARD -i docker0 -m comment --comment nslab:u -j ACCEPT');
  });

  it('refuses when the root namespace has the bridge or an overlapping route, reading only', async () => {
    const withDocker = new RecordingRunner({
      dryRun: false,
      responder: (c) => (c.args.includes('link') ? { stdout: '[{"ifindex":3,"ifname":"docker0","flags":[]}]' } : { stdout: '[]' }),
    });
    await expect(assertRootFree(withDocker, root)).rejects.toThrow(/link docker0 already exists in the root namespace/);
    const withRoute = new RecordingRunner({
      dryRun: false,
      responder: (c) => (c.args.includes('route') ? { stdout: '[{"dst":"default"},{"dst":"172.16.0.0/12","dev":"eth1"}]' } : { stdout: '[]' }),
    });
    await expect(assertRootFree(withRoute, root)).rejects.toThrow(/subnet 172.17.0.0\/16 overlaps the route 172.16.0.0\/12 dev eth1/);
    expect([...withDocker.lines(), ...withRoute.lines()].every((l) => / -j (link|route) show$/.test(l))).toBe(true);
  });

  it('removes an iptables table it brought into existence, unless someone else has rules in it by then', async () => {
    const op = tableAdopt(undefined, 'nat');
    expect(op.capture!.undo('*filter\n:INPUT ACCEPT\nCOMMIT\n')).toEqual({ file: 'nft', args: ['delete', 'table', 'ip', 'nat'] });
    expect(op.capture!.undo('*nat\n:PREROUTING ACCEPT\nCOMMIT\n')).toBeUndefined();
    const entries = [{ seq: 1, summary: 's', cmd: op.cmd, undo: op.capture!.undo(''), guard: op.guard, within: [], status: 'done' as const }];
    const foreign = new RecordingRunner({ dryRun: false, responder: (c) => (c.file === 'iptables-save' ? { stdout: '*nat\n-A POSTROUTING -j MASQUERADE\n' } : undefined) });
    await teardown(entries, foreign);
    expect(foreign.lines()).toEqual(['iptables-save -t nat']);
    const empty = new RecordingRunner({ dryRun: false, responder: (c) => (c.file === 'iptables-save' ? { stdout: '*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n' } : undefined) });
    await teardown(entries, empty);
    expect(empty.lines()).toEqual(['iptables-save -t nat', 'nft delete table ip nat']);
  });
});

describe('live-state parsers', () => {
  it('reads iptables-save rules back into argv, quoted comments included', () => {
    const rules = parseIptablesSave('*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -m comment --comment "nslab:a" -j MASQUERADE\nCOMMIT\n*filter\n-A FORWARD -m comment --comment "two words" -j ACCEPT\n');
    expect(rules).toEqual([
      { table: 'nat', chain: 'POSTROUTING', spec: ['-s', '172.17.0.0/16', '!', '-o', 'docker0', '-m', 'comment', '--comment', 'nslab:a', '-j', 'MASQUERADE'], comment: 'nslab:a' },
      { table: 'filter', chain: 'FORWARD', spec: ['-m', 'comment', '--comment', 'two words', '-j', 'ACCEPT'], comment: 'two words' },
    ]);
  });

  it('a kernel that cannot make a link kind is reported before anything is built, and the probe namespace is removed', async () => {
    // Simulated at the runner: this kernel has veth, bridge and vxlan, so their absence can only be faked here.
    const runner = new RecordingRunner({ dryRun: false, responder: (c) => (c.args.includes('vxlan') ? { exitCode: 2, stderr: 'Error: Unknown device type.' } : undefined) });
    await expect(requireLinkKinds(runner, ['bridge', 'veth', 'vxlan'])).rejects.toThrow(/^this kernel cannot create vxlan links, which this lab needs \(ip said: Error: Unknown device type\.\)$/);
    const lines = runner.lines();
    expect(lines[0]).toMatch(/^ip netns add nslab-probe\w+-kinds$/);
    expect(lines.at(-1)).toMatch(/^ip netns del nslab-probe\w+-kinds$/);
  });

  it('a probe that fails for another reason says that reason, not that the kernel lacks the kinds', async () => {
    // What `ip netns exec` prints in a chroot whose / is not a mount point.
    const stderr = '"mount --make-rslave /" failed: Invalid argument\n';
    const runner = new RecordingRunner({ dryRun: false, responder: (c) => (c.args.includes('add') && c.args.includes('type') ? { exitCode: 1, stderr } : undefined) });
    const err = (await requireLinkKinds(runner, ['bridge', 'veth']).then(() => undefined, (e: unknown) => e)) as NslabError;
    expect(err.message).toBe('could not test whether this kernel creates bridge links: "mount --make-rslave /" failed: Invalid argument');
    expect(err.message).not.toMatch(/cannot create/);
    expect(err.hint).toMatch(/mount --bind \/ \//);
  });

  it('probes a kind once per boot and kernel: what worked is remembered, what failed is tried again', async () => {
    const cache = join(mkdtempSync(join(tmpdir(), 'nslab-kinds-')), 'cache', 'link-kinds.json');
    const fails = (c: { args: readonly string[] }) => (c.args.includes('vxlan') ? { exitCode: 2, stderr: 'Error: Unknown device type.' } : undefined);
    const first = new RecordingRunner({ dryRun: false, responder: fails });
    await expect(requireLinkKinds(first, ['bridge', 'veth', 'vxlan'], cache)).rejects.toThrow(/cannot create vxlan/);
    expect(JSON.parse(readFileSync(cache, 'utf8'))).toEqual(['bridge', 'veth']);
    // Known kinds make no probe at all; only the one that failed is tried again.
    const second = new RecordingRunner({ dryRun: false });
    await requireLinkKinds(second, ['bridge', 'veth'], cache);
    expect(second.lines()).toEqual([]);
    await requireLinkKinds(second, ['bridge', 'veth', 'vxlan'], cache);
    expect(second.lines().filter((l) => l.includes('type'))).toEqual([expect.stringMatching(/link add probe0 type vxlan/)]);
    expect(JSON.parse(readFileSync(cache, 'utf8'))).toEqual(['bridge', 'veth', 'vxlan']);
  });

  it('probes a macvlan on a lower device, since a macvlan cannot exist without a parent', async () => {
    const runner = new RecordingRunner({ dryRun: false });
    await requireLinkKinds(runner, ['macvlan', 'veth']);
    const lines = runner.lines().map((l) => l.replace(/nslab-probe\w+-kinds/, 'P'));
    expect(lines).toContain('ip -n P link add probelow type veth peer name probelow1');
    expect(lines).toContain('ip -n P link add link probelow probe0 type macvlan mode bridge');
    // All kinds are made together in one batch, so each has a name of its own.
    expect(lines).toContain('ip -n P link add probe1 type veth peer name probe1p');
  });

  it('knows which link kinds a lab needs', () => {
    expect(linkKindsOf(planOps(docker0Lab.build({ name: 'u', stateDir: instanceDir('u'), env: { brctl: true }, options: {} }).steps))).toEqual(['bridge', 'veth']);
  });
});

describe('input rules in src/model', () => {
  it("ports: docker run -p's one grammar (host IP, ranges, protocol), in Docker's words", () => {
    expect(parsePortSpec('8080:80')).toEqual([{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
    expect(parsePortSpec('53/udp')).toEqual([{ hostPort: undefined, containerPort: 53, protocol: 'udp' }]);
    expect(parsePortSpec('127.0.0.1:9000-9001:9000-9001/udp')).toEqual([
      { hostPort: 9000, containerPort: 9000, protocol: 'udp', hostIp: '127.0.0.1' },
      { hostPort: 9001, containerPort: 9001, protocol: 'udp', hostIp: '127.0.0.1' },
    ]);
    expect(parsePortSpec('8080-8085:80')).toEqual([{ hostPort: { from: 8080, to: 8085 }, containerPort: 80, protocol: 'tcp' }]);
    expect(() => parsePortSpec('65536:80')).toThrow('Invalid hostPort: 65536');
    expect(() => parsePortSpec('8080:-1')).toThrow('Invalid containerPort: -1');
    expect(() => parsePortSpec('80/sctp')).toThrow('Invalid proto: sctp');
    expect(() => parsePortSpec('8080-8081:80-82')).toThrow('Invalid ranges specified for container and host Ports: 80-82 and 8080-8081');
  });

  it('ports: one check of what is free, per protocol and host address', () => {
    const held = allocatePorts(parsePortSpec('80:80'), []);
    expect(allocatePorts([...parsePortSpec('53:53/udp'), ...parsePortSpec('53:53')], held)).toHaveLength(2);
    expect(allocatePorts(parsePortSpec('80'), held)).toEqual([{ hostPort: 32768, containerPort: 80, protocol: 'tcp' }]);
    expect(() => allocatePorts(parsePortSpec('127.0.0.1:80:8080'), held)).toThrow('Bind for 127.0.0.1:80 failed: port is already allocated');
    expect(allocatePorts(parsePortSpec('8080-8081:80'), allocatePorts(parsePortSpec('8080:81'), []))).toEqual([{ hostPort: 8081, containerPort: 80, protocol: 'tcp' }]);
  });

  it('container counts and subnet room', () => {
    expect(validateContainerCount('3')).toBe(3);
    expect(() => validateContainerCount(2.5)).toThrow(/invalid container count/);
    expect(() => assertRoomFor(new Ipam('10.0.0.0/29'), 6)).toThrow(/has room for 5 containers besides the gateway, 6 asked/);
    expect(() => assertRoomFor(new Ipam('10.0.0.0/29'), 5)).not.toThrow();
  });
});
