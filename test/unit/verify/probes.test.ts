import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';
import { renderOutcomes } from '../../../src/verify/report.js';
import { outputMatches } from '../../../src/verify/probe-output.js';
import { vethPeer } from '../../../src/verify/probe-veth-peer.js';
import { httpGet } from '../../../src/verify/probe-http.js';

describe('output probe', () => {
  it('holds when the output matches, and shows what matched', async () => {
    const runner = new RecordingRunner({ dryRun: false, responder: () => ({ stdout: 'port no\tmac addr\n  1\t02:42:ac:11:00:02\tno\t\t   0.05\n' }) });
    const r = await outputMatches(runner, 'nslab-x-host', ['brctl', 'showmacs', 'docker0'], '^\\s*\\d+\\s+02:42:ac:11:00:02\\s+no\\b');
    expect(r).toEqual({ reached: true, detail: '1 02:42:ac:11:00:02 no' });
    expect(runner.lines()).toEqual(['ip netns exec nslab-x-host brctl showmacs docker0']);
  });

  it('does not hold on other output or a failed command, and says what it got', async () => {
    const other = new RecordingRunner({ dryRun: false, responder: () => ({ stdout: 'something else\n' }) });
    expect(await outputMatches(other, undefined, ['ip', 'route'], '^default')).toEqual({ reached: false, detail: 'got: something else' });
    const failed = new RecordingRunner({ dryRun: false, responder: () => ({ exitCode: 1, stderr: 'Cannot find device "docker0"' }) });
    expect((await outputMatches(failed, undefined, ['ip', 'link', 'show', 'docker0'], 'x')).detail).toMatch(/^ip failed \(exit 1\): Cannot find device/);
  });
});

describe('veth-peer probe', () => {
  const link = (ifindex: number, ifname: string, peer: number) => JSON.stringify([{ ifindex, ifname, flags: ['UP'], operstate: 'UP', link_index: peer, link_netnsid: 0, linkinfo: { info_kind: 'veth' } }]);
  const runner = (peerOfVeth1: number) =>
    new RecordingRunner({
      dryRun: false,
      responder: (c) => {
        if (c.args.includes('list-id')) return { stdout: JSON.stringify([{ nsid: 0, name: c.netns === 'ns-a' ? 'ns-b' : 'ns-a' }]) };
        return { stdout: c.netns === 'ns-a' ? link(4, 'veth0', 7) : link(7, 'veth1', peerOfVeth1) };
      },
    });

  it('holds when each end is the other one\'s iflink, in the other namespace', async () => {
    expect(await vethPeer(runner(4), 'ns-a', 'veth0', 'ns-b', 'veth1')).toEqual({ reached: true, detail: 'veth0 is 4@if7 (peer in ns-b), veth1 is 7@if4' });
  });

  it('does not hold when the indexes do not point at each other', async () => {
    expect((await vethPeer(runner(5), 'ns-a', 'veth0', 'ns-b', 'veth1')).reached).toBe(false);
  });
});

describe('report', () => {
  it('says holds/held for state checks and reaches for packets', () => {
    const text = renderOutcomes([
      { title: 'lo only', expect: 'reach', reached: true, pass: true, detail: 'lo', kind: 'output' },
      { title: 'a -> b', expect: 'fail', reached: false, pass: true, detail: 'no reply', kind: 'ping' },
    ]);
    expect(text).toMatch(/PASS  lo only +holds +held/);
    expect(text).toMatch(/PASS  a -> b +must not reach +did not reach/);
  });
});

describe('http probe', () => {
  it('reaches with the first line of the page, and checks the body when asked', async () => {
    const page = { stdout: `${JSON.stringify({ ok: true, status: 200, body: 'hello from web; you are 198.51.100.1\n', ms: 1.5 })}\n` };
    const runner = new RecordingRunner({ dryRun: false, responder: () => page });
    expect(await httpGet(runner, 'nslab-x-wan', '198.51.100.2', 8080)).toEqual({ reached: true, rttMs: 1.5, detail: 'HTTP 200: hello from web; you are 198.51.100.1' });
    expect(runner.lines()[0]).toMatch(/^ip netns exec nslab-x-wan \S+node \S+agent\.mjs http-get 198\.51\.100\.2 8080 1000$/);
    expect((await httpGet(runner, undefined, '198.51.100.2', 8080, 'you are 172.17.0.1')).reached).toBe(false);
  });

  it('does not reach when the connection fails, and says why', async () => {
    const refused = new RecordingRunner({ dryRun: false, responder: () => ({ exitCode: 1, stdout: '{"ok":false,"error":"connect ECONNREFUSED 198.51.100.2:80"}\n' }) });
    expect(await httpGet(refused, undefined, '198.51.100.2', 80)).toEqual({ reached: false, detail: 'connect ECONNREFUSED 198.51.100.2:80' });
  });
});
