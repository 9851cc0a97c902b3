import { describe, expect, it } from 'vitest';
import { scaleLab } from '../../../labs/scale.js';
import { applyOps } from '../../../src/apply/apply.js';
import { planBatches } from '../../../src/apply/batches.js';
import { MemoryJournal } from '../../../src/apply/journal.js';
import { teardown } from '../../../src/apply/teardown.js';
import { renderCmd } from '../../../src/exec/command.js';
import { RecordingRunner } from '../../../src/exec/recording-runner.js';
import { buildLab } from '../../../src/plan/build.js';
import { addrAdd, linkUp, netnsAdd, routeAdd, vethAdd } from '../../../src/ops/ip.js';
import type { Op } from '../../../src/ops/op.js';
import { planOps } from '../../../src/plan/plan.js';
import { sysctlSet } from '../../../src/ops/sysctl.js';

const containerOps = (n: number): Op[] => planOps(buildLab(scaleLab, 't', { containers: n }, { brctl: false }).steps);

describe('planBatches: as few processes as is safe', () => {
  it('builds N containers in N+3 processes: namespaces, host, and about one per container', () => {
    const steps = buildLab(scaleLab, 't', { containers: 5 }, { brctl: false }).steps;
    const batches = steps.map((s) => planBatches(s.ops));
    // Step 1: the host namespace (root), then everything inside it.
    expect(batches[0]!.map((b) => b.key)).toEqual(['ip|', 'ip|nslab-t-host']);
    // Step 2: every `netns add`, every host-side veth op, and per container one batch
    // (c1's loopback comes before any veth exists, so c1 alone takes two).
    expect(batches[1]!.map((b) => b.key)).toEqual(['ip|', 'ip|nslab-t-c1', 'ip|nslab-t-host', 'ip|nslab-t-c1', 'ip|nslab-t-c2', 'ip|nslab-t-c3', 'ip|nslab-t-c4', 'ip|nslab-t-c5']);
    expect(batches[1]![0]!.ops.every((op) => op.summary.startsWith('create network namespace'))).toBe(true);
  });

  it('keeps every namespace\'s commands in plan order, and orders what depends on another namespace', () => {
    const ops = containerOps(30);
    const batches = planBatches(ops);
    const position = new Map<Op, number>();
    batches.forEach((b, i) => b.ops.forEach((op) => position.set(op, i)));
    // Within one namespace, batch order then line order is plan order, and each batch there
    // waits for the one before.
    for (const ns of new Set(ops.map((op) => op.cmd.netns))) {
      const mine = batches.flatMap((b, i) => (b.ops.some((op) => op.cmd.netns === ns) ? [i] : []));
      expect(mine.flatMap((i) => batches[i]!.ops)).toEqual(ops.filter((op) => op.cmd.netns === ns));
      mine.slice(1).forEach((i, k) => expect(batches[i]!.after.has(mine[k]!)).toBe(true));
    }
    // The container side of each veth waits for the batch that creates it.
    for (const [i, b] of batches.entries()) {
      for (const op of b.ops.filter((o) => o.summary.startsWith('create veth pair'))) {
        const peerAddr = ops.find((o) => o.summary.startsWith('assign') && o.cmd.netns === (op.alsoCreates![0] as { ns: string }).ns)!;
        expect(batches[position.get(peerAddr)!]!.after.has(i)).toBe(true);
      }
    }
    // None waits on a later one.
    batches.forEach((b, i) => [...b.after].forEach((d) => expect(d).toBeLessThan(i)));
  });

  it('runs ops that name no link of their own (a route via a gateway, a sysctl) after everything before them there', () => {
    const ops = [
      netnsAdd('nslab-t-c'),
      addrAdd('nslab-t-c', 'lo', '10.0.0.1/8'),
      sysctlSet('nslab-t-c', 'net.ipv4.ip_forward', '1'),
      linkUp('nslab-t-c', 'lo'),
      routeAdd('nslab-t-c', { to: '192.0.2.0/24', via: '10.0.0.2' }),
    ];
    const batches = planBatches(ops);
    expect(batches.map((b) => [b.key, b.ops.length, [...b.after].sort()])).toEqual([
      ['ip|', 1, []],
      ['ip|nslab-t-c', 1, [0]],
      // The sysctl (it reads the old value first) runs alone, after both...
      [undefined, 1, [0, 1]],
      // ...and lo up cannot join the earlier batch in the namespace: it waits for the sysctl.
      ['ip|nslab-t-c', 2, [0, 1, 2]],
    ]);
  });
});

describe('applyOps with batches: the journal stays exact per op', () => {
  it('a failing line marks the ops before it done, it failed, the rest of its batch skipped; rollback undoes what applied', async () => {
    const failing = 'ip -n nslab-t-c3 addr add 172.17.0.4/16 brd + dev eth0';
    const runner = new RecordingRunner({ dryRun: false, responder: (c) => (renderCmd(c) === failing ? { exitCode: 2, stderr: 'RTNETLINK answers: File exists' } : undefined) });
    const journal = new MemoryJournal();
    const ops = buildLab(scaleLab, 't', { containers: 4 }, { brctl: false }).steps.flatMap((s) => s.ops);
    await expect(applyOps(ops, runner, journal, { concurrency: 1 })).rejects.toThrow(/`ip -n nslab-t-c3 addr add 172.17.0.4\/16 brd \+ dev eth0` failed \(exit 2\): RTNETLINK answers: File exists/);
    const status = Object.fromEntries(journal.entries().map((e) => [renderCmd(e.cmd), e.status]));
    expect(status[failing]).toBe('failed');
    expect(status['ip -n nslab-t-c3 link set dev lo up']).toBe('done');
    expect(status['ip -n nslab-t-c3 link set dev eth0 up']).toBe('skipped');
    expect(status['ip -n nslab-t-c3 route add default via 172.17.0.1']).toBe('skipped');
    // c2..c4 were ready together and shared one process (a fan-out): c2 before c3 applied,
    // c4 after it never ran.
    expect(status['ip -n nslab-t-c2 route add default via 172.17.0.1']).toBe('done');
    expect(status['ip -n nslab-t-c4 addr add 172.17.0.5/16 brd + dev eth0']).toBe('skipped');
    // Every op that may have applied is either undone or inside a namespace that is deleted.
    const undo = new RecordingRunner({ dryRun: false });
    await teardown(journal.entries(), undo);
    expect(undo.lines()).toEqual(['ip netns del nslab-t-c4', 'ip netns del nslab-t-c3', 'ip netns del nslab-t-c2', 'ip netns del nslab-t-c1', 'ip netns del nslab-t-host']);
  });

  it('records one command per op, so a dry run or a log reads the same batched or not', async () => {
    const runner = new RecordingRunner({ dryRun: false });
    const ops = [netnsAdd('nslab-t-a'), vethAdd({ ns: undefined, name: 'vt0', peerNs: 'nslab-t-a', peerName: 'eth0' }), addrAdd('nslab-t-a', 'eth0', '10.1.0.2/24')];
    await applyOps(ops, runner, new MemoryJournal());
    expect(runner.lines()).toEqual(ops.map((op) => renderCmd(op.cmd)));
  });
});
