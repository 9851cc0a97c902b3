import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';
import type { Expectation } from '../../../src/plan/expectation.js';
import { verify } from '../../../src/verify/verify.js';

/** A runner whose dns-query answers as the agent would; everything else succeeds silently. */
function answering(reply: object) {
  return new RecordingRunner({
    dryRun: false,
    responder: (c) => (c.args.includes('dns-query') ? { exitCode: 'addresses' in reply ? 0 : 1, stdout: `${JSON.stringify(reply)}\n` } : undefined),
  });
}
const ns = (node: string) => `nslab-t-${node}`;
const lookup = (expect: 'reach' | 'fail', answer?: string): Expectation => ({
  title: 'web resolves db',
  probe: { kind: 'dns', from: 'web', name: 'db', ...(answer ? { answer } : {}) },
  expect,
});

describe('dns probe', () => {
  it('asks 127.0.0.11:53 from inside the node, and passes on the expected address', async () => {
    const runner = answering({ ok: true, rcode: 'NOERROR', addresses: ['172.18.0.2'], ms: 1 });
    const [o] = await verify(runner, [lookup('reach', '172.18.0.2')], ns);
    expect(o).toMatchObject({ pass: true, reached: true, detail: 'db -> 172.18.0.2' });
    const query = runner.commands.find((c) => c.args.includes('dns-query'))!;
    expect(query.netns).toBe('nslab-t-web');
    expect(query.args.slice(1)).toEqual(['dns-query', '127.0.0.11', '53', 'db', '1000', 'udp']);
  });

  it('fails a lookup that answers with another address, and says which', async () => {
    const [o] = await verify(answering({ ok: true, rcode: 'NOERROR', addresses: ['172.18.0.9'] }), [lookup('reach', '172.18.0.2')], ns);
    expect(o).toMatchObject({ pass: false, reached: true, detail: 'db -> 172.18.0.9, expected 172.18.0.2' });
  });

  it('a must-fail lookup passes on NXDOMAIN and on no server, and reports which', async () => {
    const [nx] = await verify(answering({ ok: false, rcode: 'NXDOMAIN' }), [lookup('fail')], ns);
    expect(nx).toMatchObject({ pass: true, reached: false, detail: 'NXDOMAIN' });
    const [none] = await verify(answering({ ok: false, error: 'nothing listens on 127.0.0.11:53 (refused)' }), [lookup('fail')], ns);
    expect(none).toMatchObject({ pass: true, reached: false, detail: 'nothing listens on 127.0.0.11:53 (refused)' });
  });

  it('ping with dev pings out of that interface (ping -I)', async () => {
    const runner = new RecordingRunner({ dryRun: false, responder: () => ({ exitCode: 1, stdout: '1 packets transmitted, 0 received' }) });
    await verify(runner, [{ title: 'host -> c1 out of eth0', probe: { kind: 'ping', from: 'host', to: '198.51.100.65', dev: 'eth0' }, expect: 'fail' }], ns);
    // Expected to fail, so a short deadline (verify.ts DEADLINE_MS): a failure costs 0.25 s.
    expect(runner.lines().filter((l) => l.includes(' ping '))).toEqual(['ip netns exec nslab-t-host ping -n -c 1 -W 0.25 -I eth0 198.51.100.65']);
  });
});
