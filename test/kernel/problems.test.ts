import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hop } from '../../src/inspect/why.js';
import type { TraceResult } from '../../src/trace/trace.js';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, uniqueName } from './support.js';

// The problem labs, as a learner meets them: build up to the step that breaks it, see the
// symptom, ask `why` and `trace`, apply the fix, ask again. Each assertion is what the lab's
// text tells the learner they will read.

interface Why {
  readonly hops: readonly Hop[];
  readonly broken: Hop | null;
  readonly connect: { reached: boolean; detail: string } | null;
  readonly ping: { reached: boolean; detail: string } | null;
}

async function why(name: string, from: string, to: string, port?: number): Promise<Why> {
  return JSON.parse((await cli('why', name, from, to, ...(port === undefined ? [] : ['--port', String(port)]), '--json')).out) as Why;
}

async function trace(name: string, from: string, to: string, port?: number): Promise<TraceResult> {
  return JSON.parse((await cli('trace', name, from, to, ...(port === undefined ? [] : ['--port', String(port)]), '--json')).out) as TraceResult;
}

/** Builds `lab` through `step` (the break), as `nslab up <lab> --step N` does. */
async function upTo(lab: string, name: string, step: number, ...profile: string[]): Promise<void> {
  const r = await cli('up', lab, '--name', name, '--step', String(step), ...profile);
  expect(r.code, r.err).toBe(0);
}

/** Carries the lab on from `step` to the end (the fix), as `nslab lab <lab> --from N --yes` does. */
async function carryOn(lab: string, name: string, step: number, ...profile: string[]): Promise<void> {
  const r = await cli('lab', lab, '--name', name, '--from', String(step), '--yes', '--json', ...profile);
  expect(r.code, r.err).toBe(0);
}

const said = (w: Why) => w.hops.map((h) => h.what).join('\n');

describe('the problem labs: why names the break, trace shows where the packet died or was rewritten', () => {
  let before: Record<string, string> = {};
  const names: string[] = [];
  const fresh = (p: string) => {
    const n = uniqueName(p);
    names.push(n);
    return n;
  };
  beforeAll(() => {
    requireKernel();
    isolateState();
    before = rootSnapshot();
  });
  afterAll(async () => {
    for (const n of names) await cli('down', n);
    for (const n of names) expect(namespacesOf(n)).toEqual([]);
    expect(rootSnapshot()).toEqual(before);
  });

  it.each([
    { profile: ['--docker', '27'], label: '27' },
    { profile: ['--docker', '28'], label: '28' },
    { profile: [], label: '29' },
  ])('firewall-bypass under $label: DNAT takes the packet past INPUT to web; the DOCKER-USER rule drops it', async ({ profile }) => {
    const name = fresh('fb');
    await upTo('firewall-bypass', name, 6, ...profile);
    const open = await why(name, 'wan', '198.51.100.2', 8080);
    expect(open.broken).toBeNull();
    expect(said(open)).toMatch(/198\.51\.100\.2 is host's own address, and INPUT would refuse it \(iptables INPUT policy is DROP.*\), but DNAT has made it a packet for 172\.17\.0\.2: it is forwarded, INPUT never sees it, FORWARD decides/);
    expect(open.connect).toMatchObject({ reached: true });
    const bypass = await trace(name, 'wan', '198.51.100.2', 8080);
    expect(bypass.arrived).toBe(true);
    expect(bypass.arrivedAt).toBe('web');
    expect(bypass.request.find((h) => h.rewrite)).toMatchObject({ node: 'host', iface: 'docker0', direction: 'out', rewrite: { kind: 'DNAT', change: 'dst 198.51.100.2:8080 -> 172.17.0.2:80' } });

    await carryOn('firewall-bypass', name, 7, ...profile);
    const shut = await why(name, 'wan', '198.51.100.2', 8080);
    expect(shut.broken).toMatchObject({ at: 'host', what: expect.stringMatching(/^iptables DOCKER-USER rule `-i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP` drops eth0 -> docker0/) });
    const dropped = await trace(name, 'wan', '198.51.100.2', 8080);
    expect(dropped.arrived).toBe(false);
    expect(dropped.lost!.lastSeen).toMatchObject({ node: 'host', iface: 'eth0', direction: 'in' });
    expect(dropped.lost!.next).toBe('host docker0 out');
    expect(dropped.lost!.droppedBy).toEqual([expect.stringMatching(/^host: filter DOCKER-USER rule 1 `-i eth0 -p tcp -m conntrack --ctorigdstport 8080 -j DROP` \(\d+ packets? during the trace\)$/)]);
  });

  it('firewall-bypass under 29 nftables: the drop in the admin\'s own table is named by its counter, with the nft command that removes it', async () => {
    const name = fresh('fbn');
    await upTo('firewall-bypass', name, 6, '--docker', '29', '--firewall', 'nftables');
    expect((await trace(name, 'wan', '198.51.100.2', 8080)).arrivedAt).toBe('web');
    await carryOn('firewall-bypass', name, 7, '--docker', '29', '--firewall', 'nftables');
    const t = await trace(name, 'wan', '198.51.100.2', 8080);
    expect(t.arrived).toBe(false);
    expect(t.lost!.droppedBy).toEqual([expect.stringMatching(/^host: nft ip host-firewall forward `iifname "eth0" meta l4proto tcp ct original proto-dst 8080 counter drop` \(\d+ packets? during the trace\)$/)]);
    expect(t.lost!.reason).toMatchObject({ at: 'host', fix: expect.stringMatching(new RegExp(`^ip netns exec nslab-${name}-host nft delete rule ip host-firewall forward handle \\d+$`)) });
    // why says what it does not walk rather than guess at it.
    expect(said(await why(name, 'wan', '198.51.100.2', 8080))).toContain('nftables tables ip docker-bridges, ip host-firewall here are not walked by why');
  });

  it('localhost-publish under 27: the neighbour\'s packet for 127.0.0.1 is DNATed to web (moby#45610); the admin\'s raw DROP stops it', async () => {
    const name = fresh('lp');
    await upTo('localhost-publish', name, 6, '--docker', '27');
    const open = await why(name, 'neighbour', '127.0.0.1', 8080);
    expect(open.broken).toBeNull();
    expect(said(open)).toContain('127.0.0.1 is a loopback address, yet this came in by eth1: DNAT rewrites it before routing could refuse it');
    const t = await trace(name, 'neighbour', '127.0.0.1', 8080);
    expect(t.arrivedAt).toBe('web');
    expect(t.request.find((h) => h.rewrite)).toMatchObject({ node: 'host', rewrite: { kind: 'DNAT', change: 'dst 127.0.0.1:8080 -> 172.17.0.2:80' } });
    await carryOn('localhost-publish', name, 7, '--docker', '27');
    const shut = await trace(name, 'neighbour', '127.0.0.1', 8080);
    expect(shut.arrived).toBe(false);
    expect(shut.lost!.lastSeen).toMatchObject({ node: 'host', iface: 'eth1', direction: 'in' });
    expect(shut.lost!.droppedBy).toEqual([expect.stringMatching(/^host: raw PREROUTING rule 1 `-d 127\.0\.0\.0\/8 ! -i lo -j DROP`/)]);
    expect(shut.lost!.reason!.what).toMatch(/raw PREROUTING rule `-d 127\.0\.0\.0\/8 ! -i lo -j DROP` drops it on arrival from eth1: 127\.0\.0\.1 is a loopback address, which takes packets only by lo/);
  });

  it('localhost-publish under 28: Docker\'s own per-port raw DROP stops the neighbour before NAT', async () => {
    const name = fresh('lp8');
    await upTo('localhost-publish', name, 6, '--docker', '28');
    const t = await trace(name, 'neighbour', '127.0.0.1', 8080);
    expect(t.arrived).toBe(false);
    expect(t.lost!.droppedBy).toEqual([expect.stringMatching(/^host: raw PREROUTING rule \d+ `-d 127\.0\.0\.1\/32 ! -i lo -p tcp -m tcp --dport 8080 -j DROP`/)]);
  });

  it('host-service: bound to 127.0.0.1 is refused at once and named; INPUT DROP times out and is named; both fixes reach', async () => {
    const name = fresh('hs');
    await upTo('host-service', name, 6);
    const bound = await why(name, 'app', '172.17.0.1', 8000);
    expect(bound.broken).toMatchObject({ at: 'host', what: 'nothing listens on 172.17.0.1:8000: a socket listens on 127.0.0.1:8000 only, and takes no connection for 172.17.0.1 (the kernel answers with a reset)' });
    expect(bound.connect!.detail).toContain('ECONNREFUSED');
    await carryOn('host-service', name, 7);
    // The lab ends with both fixes: take the INPUT accept back out to see the second break.
    const name2 = fresh('hs2');
    await upTo('host-service', name2, 8);
    const filtered = await why(name2, 'app', '172.17.0.1', 8000);
    expect(filtered.broken).toMatchObject({ at: 'host', what: 'iptables INPUT policy is DROP and no rule accepts tcp port 8000 from docker0 for 172.17.0.1', fix: `ip netns exec nslab-${name2}-host iptables -I INPUT -i docker0 -p tcp --dport 8000 -j ACCEPT` });
    expect(filtered.connect!.detail).toContain('no answer within');
    const lost = await trace(name2, 'app', '172.17.0.1', 8000);
    expect(lost.arrived).toBe(false);
    expect(lost.lost!.lastSeen).toMatchObject({ node: 'host', iface: 'docker0', direction: 'in' });
    await carryOn('host-service', name2, 9);
    const fixed = await trace(name2, 'app', '172.17.0.1', 8000);
    expect(fixed.arrived).toBe(true);
    expect(fixed.reply.at(-1)).toMatchObject({ node: 'app', direction: 'in' });
  });

  it.each([
    { profile: ['--docker', '27'], label: '27' },
    { profile: [], label: '29' },
  ])('forward-drop under $label: the VM\'s ping dies in FORWARD by the policy; the DOCKER-USER accept lets it out, masqueraded', async ({ profile }) => {
    const name = fresh('fd');
    await upTo('forward-drop', name, 6, ...profile);
    const cut = await why(name, 'vm', '203.0.113.10');
    expect(cut.broken).toMatchObject({ at: 'host', what: 'iptables FORWARD policy is DROP and no rule accepts virbr0 -> eth0', fix: `ip netns exec nslab-${name}-host iptables -I DOCKER-USER -i virbr0 -o eth0 -j ACCEPT` });
    const lost = await trace(name, 'vm', '203.0.113.10');
    expect(lost.lost!.lastSeen).toMatchObject({ node: 'host', iface: 'virbr0', direction: 'in' });
    expect(lost.lost!.next).toBe('host eth0 out');
    await carryOn('forward-drop', name, 7, ...profile);
    const ok = await trace(name, 'vm', '203.0.113.10');
    expect(ok.arrived).toBe(true);
    expect(ok.request.find((h) => h.rewrite)).toMatchObject({ node: 'host', iface: 'eth0', rewrite: { kind: 'MASQUERADE', change: 'src 192.168.122.10 -> 198.51.100.2' } });
  });

  it.each([
    { profile: [], label: 'proxy on', dnat: false },
    { profile: ['--userland-proxy=false'], label: 'proxy off', dnat: true },
  ])('source-ip, $label: c2 -> the published port, proxied or DNATed, as why and trace say', async ({ profile, dnat }) => {
    const name = fresh('si');
    await upTo('source-ip', name, 6, ...profile);
    const w = await why(name, 'c2', '198.51.100.2', 8080);
    expect(w.broken).toBeNull();
    const t = await trace(name, 'c2', '198.51.100.2', 8080);
    if (dnat) {
      expect(said(w)).toContain('nat PREROUTING DNAT rewrites 198.51.100.2:8080 -> 172.17.0.2:80');
      expect(t.arrivedAt).toBe('web');
      // Bridged back to web with c2's own address: the source web logs.
      expect(t.request.at(-1)).toMatchObject({ node: 'web', src: '172.17.0.3', dst: '172.17.0.2', dport: 80 });
    } else {
      expect(said(w)).toContain('but that DNAT does not take this packet (from docker0): the host\'s listener on 8080, docker-proxy, accepts it and connects to 172.17.0.2:80 itself');
      expect(t.arrivedAt).toBe('host');
      expect(t.request.some((h) => h.rewrite)).toBe(false);
    }
  });

  it.each([
    { profile: ['--docker', '27'], label: '27', direct: true },
    { profile: [], label: '29', direct: false },
  ])('gateway-modes under $label: the LAN\'s direct route to a nat network\'s container; a routed network takes it, untranslated', async ({ profile, direct }) => {
    const name = fresh('gm');
    await upTo('gateway-modes', name, 6, ...profile);
    const w = await why(name, 'wan', '10.10.1.2', 80);
    const t = await trace(name, 'wan', '10.10.1.2', 80);
    if (direct) {
      expect(w.broken).toBeNull();
      expect(t.arrivedAt).toBe('web1');
    } else {
      expect(w.broken).toMatchObject({ at: 'host', what: expect.stringMatching(/^raw PREROUTING rule `-d 10\.10\.1\.2\/32 ! -i br-\w+ -j DROP` drops it on arrival from eth0: 10\.10\.1\.2 takes packets only from its own network \(Docker 28's direct-access DROP/) });
      expect(t.arrived).toBe(false);
      expect(t.lost!.droppedBy).toEqual([expect.stringMatching(/^host: raw PREROUTING rule \d+ `-d 10\.10\.1\.2\/32 ! -i br-\w+ -j DROP` \(\d+ packets? during the trace\)$/)]);
    }
    await carryOn('gateway-modes', name, 7, ...profile);
    const routed = await trace(name, 'wan', '10.10.2.2', 80);
    expect(routed.arrivedAt).toBe('web2');
    expect([...routed.request, ...routed.reply].filter((h) => h.rewrite)).toEqual([]);
    expect(routed.reply.at(-1)).toMatchObject({ node: 'wan', src: '10.10.2.2' });
  });

  it.each([
    { profile: ['--docker', '27'], label: '27' },
    { profile: [], label: '29' },
  ])('dns-upstream under $label: the fallback times out at the blocked 8.8.8.8; behind the LAN firewall 27 answers SERVFAIL, 29 resolves', async ({ profile, label }) => {
    const name = fresh('du');
    await upTo('dns-upstream', name, 9, ...profile);
    expect((await why(name, 'c1', '8.8.8.8', 53)).broken).toMatchObject({ at: 'wan', what: 'iptables INPUT rule `-p tcp -m tcp --dport 53 -j DROP` drops tcp port 53 from eth0 for 8.8.8.8 (0 packets so far)' });
    const v = JSON.parse((await cli('verify', name, '--json')).out) as { outcomes: { title: string; reached: boolean; detail: string; pass: boolean }[] };
    const outcome = (start: string) => v.outcomes.find((o) => o.title.startsWith(start))!;
    expect(outcome('c1 (default bridge)')).toMatchObject({ pass: true, reached: false, detail: 'no answer within 1000 ms' });
    expect(outcome('c2 (appnet)')).toMatchObject({ pass: true, detail: 'server.example.net -> 203.0.113.10' });
    if (label === '27') {
      // The embedded DNS answers, with SERVFAIL, once its own query from c3's namespace died: not a timeout.
      expect(outcome('c3 (appnet)')).toMatchObject({ pass: true, reached: false, detail: 'SERVFAIL' });
      expect((await why(name, 'c3', '192.0.2.53', 53)).broken).toMatchObject({ at: 'host', what: expect.stringMatching(/^iptables DOCKER-USER rule `-o eth1 -j DROP` drops br-\w+ -> eth1/) });
      const upstream = await trace(name, 'c3', '192.0.2.53', 53);
      expect(upstream.arrived).toBe(false);
      expect(upstream.lost!.lastSeen).toMatchObject({ node: 'host', direction: 'in' });
      await carryOn('dns-upstream', name, 10, ...profile);
    } else {
      expect(outcome('c3 (appnet)')).toMatchObject({ pass: true, detail: 'server.example.net -> 203.0.113.10' });
    }
    const r = JSON.parse((await cli('trace', name, 'c3', '127.0.0.11', '--port', '53', '--udp', '--dns', 'server.example.net', '--json')).out) as TraceResult;
    expect(r.probe).toMatchObject({ reached: true, detail: 'server.example.net is 203.0.113.10' });
  });

  it('mtu: why names the PMTU black hole where the path narrows and ICMP is dropped; after clamping, trace shows the SYN\'s MSS rewritten', async () => {
    const name = fresh('mt');
    await upTo('mtu', name, 7);
    const stall = await why(name, 'c1', '203.0.113.70', 80);
    expect(stall.broken).toMatchObject({ at: 'wan', what: expect.stringMatching(/^the path narrows here: eth1 has MTU 1500, eth0 1400.*drops them \(`-p icmp -m icmp --icmp-type 3\/4 -j DROP`.*a PMTU black hole/) });
    // The handshake itself passes: the symptom is only in what follows it.
    expect(stall.connect).toMatchObject({ reached: true });
    await carryOn('mtu', name, 8);
    // c2 (MTU 1400) offers an MSS that fits: nothing to fix on its path.
    expect((await why(name, 'c2', '203.0.113.70', 80)).broken).toBeNull();
    const t = await trace(name, 'c1', '203.0.113.70', 80);
    expect(t.request[0]).toMatchObject({ node: 'c1', what: 'Flags [S], mss 1460' });
    expect(t.request.find((h) => h.rewrite?.kind === 'TCPMSS')).toMatchObject({ node: 'host', iface: 'eth0', rewrite: { change: 'mss 1460 -> 1360', rule: 'mangle FORWARD, rule 1', by: 'rule counters' } });
    expect((await why(name, 'c1', '203.0.113.70', 80)).broken).toBeNull();
  });
  it.each([
    { profile: ['--docker', '27'], label: '27' },
    { profile: [], label: '29' },
    { profile: ['--docker', '29', '--firewall', 'nftables'], label: '29 nftables' },
  ])('ipv6 under $label: a routed global prefix has no way back, why names the route the ISP needs; with it, trace reaches app with no NAT66', async ({ profile }) => {
    const name = fresh('v6');
    await upTo('ipv6', name, 8, ...profile);
    const lost = await why(name, 'app', '2001:db8:203::10');
    expect(lost.broken).toMatchObject({
      at: 'wan',
      what: expect.stringMatching(/^no route back to 2001:db8:abcd::2: replies cannot return\. Nothing translated it on the way \(no NAT66\), so wan must know that 2001:db8:abcd::\/64 lives behind host$/),
      fix: `ip -n nslab-${name}-wan route add 2001:db8:abcd::/64 via 2001:db8:100::2`,
    });
    // The walk went through the host's IPv6 side: its ip6tables (where it has them) let the packet out unchanged.
    if (!profile.includes('nftables')) expect(said(lost)).toMatch(/^ip6tables FORWARD lets br-[0-9a-f]{12} -> eth0 through/m);
    expect(said(lost)).not.toMatch(/MASQUERADE rewrites source/);
    expect(lost.ping).toMatchObject({ reached: false });
    const died = await trace(name, 'app', '2001:db8:203::10');
    expect(died.arrived).toBe(false);
    expect(died.request.at(-1)).toMatchObject({ node: 'wan', iface: 'eth0', direction: 'in', src: '2001:db8:abcd::2' });
    expect(died.reply).toEqual([]);
    expect(died.lost!.reason).toMatchObject({ at: 'wan', what: expect.stringMatching(/^no route back to 2001:db8:abcd::2/) });
    // The ULA network beside it is masqueraded: its echo comes back from the host's address.
    const nat66 = await trace(name, 'web', '2001:db8:203::10');
    expect(nat66.arrived).toBe(true);
    expect(nat66.request.find((h) => h.node === 'wan')).toMatchObject({ src: '2001:db8:100::2' });

    await carryOn('ipv6', name, 9, ...profile);
    expect((await why(name, 'app', '2001:db8:203::10')).broken).toBeNull();
    const direct = await trace(name, 'wan', '2001:db8:abcd::2', 80);
    expect(direct.arrived).toBe(true);
    expect(direct.arrivedAt).toBe('app');
    expect(direct.request.some((h) => h.rewrite)).toBe(false);
    expect(direct.reply.at(-1)).toMatchObject({ node: 'wan', src: '2001:db8:abcd::2', sport: 80 });
  });
});
