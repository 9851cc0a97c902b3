import { instanceDir } from '../../../src/lifecycle/state.js';
import { describe, expect, it } from 'vitest';
import { docker0Lab } from '../../../labs/docker0.js';
import { plannedChanges, undoOrder } from '../../../src/plan/undo-order.js';
import { renderCmd } from '../../../src/exec/command.js';
import { planOps } from '../../../src/plan/plan.js';
import { renderShell } from '../../../src/plan/render-shell.js';

const model = docker0Lab.build({ name: 'p1', stateDir: instanceDir('p1'), env: { brctl: true }, options: {} });

describe('docker0 plan', () => {
  const lines = planOps(model.steps).map((op) => renderCmd(op.cmd));

  it('builds the objects Docker builds, in the sandbox host namespace', () => {
    expect(lines).toContain('ip netns exec nslab-p1-host brctl addbr docker0');
    expect(lines).toContain('ip -n nslab-p1-host addr add 172.17.0.1/16 brd + dev docker0');
    expect(lines).toContain('ip netns exec nslab-p1-host sysctl -w net.ipv4.ip_forward=1');
    // In the sandbox the host's tables are the lab's own: the rule reads exactly as Docker writes it.
    expect(lines).toContain("ip netns exec nslab-p1-host iptables -w -t nat -I POSTROUTING -s 172.17.0.0/16 '!' -o docker0 -j MASQUERADE");
    expect(lines).toContain('ip -n nslab-p1-c1 addr add 172.17.0.2/16 brd + dev eth0');
    expect(lines).toContain('ip -n nslab-p1-c2 addr add 172.17.0.3/16 brd + dev eth0');
    expect(lines).toContain('ip -n nslab-p1-c1 route add default via 172.17.0.1');
    // dockerd's netlink makes both ends with a queue length of 0; the container's end has no IPv6.
    expect(lines.filter((l) => / link add veth[0-9a-f]{7} txqueuelen 0 type veth peer name eth0 address [0-9a-f:]{17} txqueuelen 0 netns nslab-p1-c\d$/.test(l))).toHaveLength(2);
    expect(lines).toContain('ip -n nslab-p1-c1 link set dev eth0 addrgenmode none');
    // Docker's own /etc/hosts and resolv.conf for each container, and the docker host's resolver.
    expect(lines.some((l) => l.includes('write-file /etc/netns/nslab-p1-c1/hosts') && l.includes('172.17.0.2'))).toBe(true);
    expect(lines.some((l) => l.includes('write-file /etc/netns/nslab-p1-c1/resolv.conf') && l.includes('nameserver 203.0.113.53'))).toBe(true);
    expect(lines.some((l) => l.includes('write-file /etc/netns/nslab-p1-host/resolv.conf'))).toBe(true);
  });

  // That it touches nothing outside its namespaces is checked for every lab in labs.test.ts.

  it('falls back to ip link when bridge-utils is absent', () => {
    const plain = docker0Lab.build({ name: 'p1', stateDir: instanceDir('p1'), env: { brctl: false }, options: {} });
    expect(planOps(plain.steps).map((op) => renderCmd(op.cmd))).toContain('ip -n nslab-p1-host link add name docker0 type bridge');
  });

  it('derives teardown from the ops: deleting the namespaces undoes everything inside them', () => {
    // The files under /etc/netns live outside the namespaces: they go on their own.
    const agent = (f: string) => expect.stringMatching(new RegExp(`agent\\.mjs remove-file /etc/netns/${f}$`));
    expect(undoOrder(plannedChanges(planOps(model.steps))).map((u) => renderCmd(u.cmd))).toEqual([
      agent('nslab-p1-c2/resolv.conf'),
      agent('nslab-p1-c2/hosts'),
      'ip netns del nslab-p1-c2',
      agent('nslab-p1-c1/resolv.conf'),
      agent('nslab-p1-c1/hosts'),
      'ip netns del nslab-p1-c1',
      'ip netns del nslab-p1-wan',
      agent('nslab-p1-host/resolv.conf'),
      'ip netns del nslab-p1-host',
    ]);
  });

  it('renders a shell script with steps, docker equivalents and the teardown', () => {
    const script = renderShell('docker0', model.steps);
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(script).toContain('set -euo pipefail');
    expect(script).toContain('# --- Step 5: Start container c1 ---');
    expect(script).toContain('# docker: docker run -d --name c1 busybox sleep infinity');
    expect(script).toContain('# ip netns del nslab-p1-host');
  });

  it('expects reachability and NAT, and an unreachable container from the wan', () => {
    expect(model.expectations.map((e) => [e.probe.kind, e.expect])).toEqual([
      ['ping', 'reach'],
      ['ping', 'reach'],
      ['ping', 'reach'],
      ['ping', 'reach'],
      ['source', 'reach'],
      ['ping', 'fail'],
    ]);
  });
});
