import { describe, expect, it } from 'vitest';
import type { Cmd } from '../../../src/exec/command.js';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';
import type { Expectation } from '../../../src/plan/expectation.js';
import { verify } from '../../../src/verify/verify.js';

const ns = (node: string) => `nslab-t-${node}`;
const labNs = ['a', 'b', 'c'].map(ns);
const reach = (from: string, to: string): Expectation => ({ title: `${from} -> ${to}`, probe: { kind: 'ping', from, to }, expect: 'reach' });
const isolated = (from: string, to: string): Expectation => ({ title: `${from} -/-> ${to}`, probe: { kind: 'ping', from, to }, expect: 'fail' });
const isLinkRead = (c: Cmd) => c.file === 'ip' && c.args.join(' ') === '-j link show';
// A link linkwatch has not activated: carrier on, operstate still DOWN.
const pendingLink = JSON.stringify([{ ifindex: 2, ifname: 'eth0', flags: ['BROADCAST', 'UP', 'LOWER_UP'], operstate: 'DOWN', mtu: 1500, address: '02:42:ac:11:00:02' }]);
const readyLink = JSON.stringify([{ ifindex: 2, ifname: 'eth0', flags: ['BROADCAST', 'UP', 'LOWER_UP'], operstate: 'UP', mtu: 1500, address: '02:42:ac:11:00:02' }]);

/** Pings answer unless `down` says otherwise; fping answers each target it was given. */
function lab(options: { down?: (c: Cmd) => boolean; linkJson?: () => string } = {}) {
  return new RecordingRunner({
    dryRun: false,
    responder: (c) => {
      if (isLinkRead(c)) return { stdout: options.linkJson?.() ?? readyLink };
      const down = options.down?.(c) ?? false;
      if (c.file === 'fping') {
        const targets = c.args.filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
        return { exitCode: down ? 1 : 0, stderr: targets.map((t) => `${t} : ${down ? '-' : '0.05'}`).join('\n') };
      }
      if (c.file === 'ping') return down ? { exitCode: 1, stdout: '1 packets transmitted, 0 received' } : { stdout: '1 packets transmitted, 1 received\nrtt min/avg/max/mdev = 0.05/0.05/0.05/0.0 ms' };
      return undefined;
    },
  });
}

describe('verify: when it waits for the links', () => {
  it('a mesh whose probes all reach reads no link state: each answer proves its links', async () => {
    const runner = lab();
    const out = await verify(runner, [reach('a', '10.0.0.2'), reach('a', '10.0.0.3'), reach('b', '10.0.0.1'), reach('b', '10.0.0.3')], ns, { namespaces: labNs });
    expect(out.every((o) => o.pass)).toBe(true);
    expect(runner.commands.filter(isLinkRead)).toEqual([]);
    // One fping per sender.
    expect(runner.commands.filter((c) => c.file === 'fping').map((c) => c.netns)).toEqual(['nslab-t-a', 'nslab-t-b']);
  });

  it('a probe that should fail runs only after every link of the lab is settled', async () => {
    const runner = lab({ down: (c) => c.netns === 'nslab-t-a' && c.args.includes('10.0.0.3') });
    const out = await verify(runner, [reach('a', '10.0.0.2'), isolated('a', '10.0.0.3')], ns, { namespaces: labNs });
    expect(out.map((o) => o.pass)).toEqual([true, true]);
    const order = runner.commands.map((c) => (isLinkRead(c) ? `links ${c.netns}` : `${c.file} ${c.args.at(-1)}`));
    const isolatedPing = order.indexOf('ping 10.0.0.3');
    expect(isolatedPing).toBeGreaterThan(-1);
    expect(order.slice(0, isolatedPing).filter((l) => l.startsWith('links'))).toEqual(labNs.map((n) => `links ${n}`));
  });

  it('a probe that did not reach is tried again once the links are settled, and passes if it then reaches', async () => {
    let reads = 0;
    let settled = false;
    const runner = lab({
      down: () => !settled,
      // The first reading finds eth0 still pending; the next finds it up.
      linkJson: () => (reads++ < labNs.length ? pendingLink : ((settled = true), readyLink)),
    });
    const [o] = await verify(runner, [reach('a', '10.0.0.2'), reach('a', '10.0.0.3')], ns, { namespaces: labNs });
    expect(o).toMatchObject({ pass: true, reached: true });
    const files = runner.commands.map((c) => (isLinkRead(c) ? 'links' : c.file));
    // fping fails, links are read until none is pending, then one ping says it reaches.
    expect(files[0]).toBe('fping');
    expect(files.filter((f) => f === 'links').length).toBeGreaterThanOrEqual(2 * labNs.length);
    expect(files.at(-1)).toBe('ping');
  });

  it('a probe that never reaches fails with ping\'s own words after the retry', async () => {
    const runner = lab({ down: () => true });
    const [o] = await verify(runner, [reach('a', '10.0.0.2')], ns, { namespaces: labNs });
    expect(o).toMatchObject({ pass: false, reached: false });
    // Once in the first pass, once after the links were read.
    expect(runner.commands.map((c) => (isLinkRead(c) ? 'links' : c.file))).toEqual(['ping', 'links', 'links', 'links', 'ping']);
  });
});
