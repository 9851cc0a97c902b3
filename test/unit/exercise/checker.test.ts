import { describe, expect, it } from 'vitest';
import { connectExercise } from '../../../src/exercise/ex-connect.js';
import { renderFindings } from '../../../src/exercise/session.js';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';
import { connectWorld, setDown } from '../inspect/fixtures.js';

const PING_OK = 'PING x\n64 bytes\n\n--- x ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.050/0.050/0.050/0.000 ms\n';

describe('exercise checker on a captured hand-built state (exercise 5)', () => {
  const runner = () => new RecordingRunner({ dryRun: false, responder: () => ({ stdout: PING_OK }) });

  it('a correct build: every requirement passes, pings only lab addresses', async () => {
    const r = runner();
    const findings = await connectExercise.check({ runner: r, name: 'zqc', world: connectWorld() });
    expect(findings.filter((f) => !f.pass)).toEqual([]);
    expect(r.lines()).toEqual(['ip netns exec nslab-zqc-c1 ping -n -c 1 -W 1 172.18.0.2', 'ip netns exec nslab-zqc-c1 ping -n -c 1 -W 1 172.17.0.1']);
  });

  it('a down end is named, with the command, and rendered as a hint', async () => {
    const world = connectWorld((node, file, text) => (node === 'c1' && file === 'addr.json' ? setDown(text, 'eth1') : text));
    const findings = await connectExercise.check({ runner: runner(), name: 'zqc', world });
    expect(findings.find((f) => f.mistake === 'end-down')?.hint).toBe('ip -n nslab-zqc-c1 link set dev eth1 up');
    // Until a hint is asked for, check names no fix, only how many hints there are.
    const none = renderFindings(findings, {}, 'nslab exercise hint 5');
    expect(none).not.toContain('[a veth end left down]');
    expect(none).not.toContain('link set dev eth1 up');
    expect(none).toMatch(/\n2 hints not shown yet: `nslab exercise hint 5` reveals the next one\.\n$/);
    // One revealed: where to look, not yet what to type.
    const requirement = findings.find((f) => f.mistake === 'end-down')!.requirement;
    const one = renderFindings(findings, { [requirement]: 1 }, 'nslab exercise hint 5');
    expect(one).toContain('[a veth end left down] The cable is there, but one of its ends is down');
    expect(one).not.toContain('link set dev eth1 up');
    expect(one).toContain('1 hint not shown yet');
    const all = renderFindings(findings, 'all', 'nslab exercise hint 5');
    expect(all).toContain('ip -n nslab-zqc-c1 link set dev eth1 up');
    expect(all).not.toContain('not shown yet');
  });

  it('a missing namespace stops the check at the first requirement', async () => {
    const findings = await connectExercise.check({ runner: runner(), name: 'zqc', world: connectWorld().filter((w) => w.node !== 'c2') });
    expect(findings).toEqual([expect.objectContaining({ pass: false, mistake: 'missing-namespace', hint: 'ip netns add nslab-zqc-c2' })]);
  });
});
