import { describe, expect, it } from 'vitest';
import { renderCmd, shellQuote, toArgv } from '../../../src/exec/command.js';
import { ruleAppend } from '../../../src/ops/iptables.js';
import { addrAdd, bridgeAdd, linkSetMaster, netnsAdd, routeAdd, vethAdd } from '../../../src/ops/ip.js';
import { sysctlSet } from '../../../src/ops/sysctl.js';
import { vethName } from '../../../src/model/names.js';

describe('ops: argv and inverse', () => {
  it('runs ip with -n and other tools through ip netns exec', () => {
    const op = addrAdd('nslab-a-host', 'docker0', '172.17.0.1/16');
    expect(toArgv(op.cmd)).toEqual(['ip', '-n', 'nslab-a-host', 'addr', 'add', '172.17.0.1/16', 'dev', 'docker0']);
    expect(renderCmd(op.undo!)).toBe('ip -n nslab-a-host addr del 172.17.0.1/16 dev docker0');
    expect(renderCmd(bridgeAdd('nslab-a-host', 'docker0', { brctl: true }).cmd)).toBe('ip netns exec nslab-a-host brctl addbr docker0');
  });

  it('pairs every creation with its deletion', () => {
    expect(renderCmd(netnsAdd('nslab-a-c1').undo!)).toBe('ip netns del nslab-a-c1');
    expect(renderCmd(bridgeAdd(undefined, 'docker0', { brctl: false }).cmd)).toBe('ip link add name docker0 type bridge');
    expect(renderCmd(bridgeAdd(undefined, 'docker0', { brctl: false }).undo!)).toBe('ip link del dev docker0');
    const m = linkSetMaster('h', 'veth1234567', 'docker0', { brctl: true });
    expect(renderCmd(m.cmd)).toBe('ip netns exec h brctl addif docker0 veth1234567');
    expect(renderCmd(m.undo!)).toBe('ip netns exec h brctl delif docker0 veth1234567');
    const r = routeAdd('c', { to: 'default', via: '172.17.0.1' });
    expect(renderCmd(r.cmd)).toBe('ip -n c route add default via 172.17.0.1');
    expect(renderCmd(r.undo!)).toBe('ip -n c route del default via 172.17.0.1');
  });

  it('creates the veth peer directly in the container namespace, and records both namespaces', () => {
    const op = vethAdd({ ns: 'h', name: 'veth1234567', peerNs: 'c', peerName: 'eth0', peerMac: '02:42:ac:11:00:02' });
    expect(renderCmd(op.cmd)).toBe('ip -n h link add veth1234567 type veth peer name eth0 address 02:42:ac:11:00:02 netns c');
    expect(op.creates).toEqual({ kind: 'link', ns: 'h', dev: 'veth1234567' });
    expect(op.within).toEqual([{ kind: 'netns', ns: 'h' }, { kind: 'netns', ns: 'c' }]);
  });

  it('deletes the exact iptables rule it added, comment included', () => {
    const op = ruleAppend('h', { table: 'nat', chain: 'POSTROUTING', match: ['-s', '172.17.0.0/16', '!', '-o', 'docker0'], target: ['-j', 'MASQUERADE'], tag: 'nslab:a' });
    expect(renderCmd(op.cmd)).toBe("ip netns exec h iptables -w -t nat -A POSTROUTING -s 172.17.0.0/16 '!' -o docker0 -m comment --comment nslab:a -j MASQUERADE");
    expect(renderCmd(op.undo!)).toBe(renderCmd(op.cmd).replace(' -A ', ' -D '));
  });

  it('restores the previous sysctl value, read at apply time', () => {
    const op = sysctlSet('h', 'net.ipv4.ip_forward', '1');
    expect(renderCmd(op.cmd)).toBe('ip netns exec h sysctl -w net.ipv4.ip_forward=1');
    expect(renderCmd(op.capture!.read)).toBe('ip netns exec h sysctl -n net.ipv4.ip_forward');
    expect(renderCmd(op.capture!.undo('0\n')!)).toBe('ip netns exec h sysctl -w net.ipv4.ip_forward=0');
  });

  it('refuses interface names Linux cannot hold', () => {
    expect(() => bridgeAdd('h', 'a-very-long-bridge', { brctl: false })).toThrow(/at most 15/);
    expect(() => vethAdd({ ns: 'h', name: 've;rm', peerNs: 'c', peerName: 'eth0' })).toThrow(/characters/);
  });

  it('names host veth ends like Docker: veth + 7 hex, stable per endpoint', () => {
    expect(vethName('a', 'bridge', 'c1')).toMatch(/^veth[0-9a-f]{7}$/);
    expect(vethName('a', 'bridge', 'c1')).toBe(vethName('a', 'bridge', 'c1'));
    expect(vethName('a', 'bridge', 'c1')).not.toBe(vethName('a', 'bridge', 'c2'));
  });

  it('quotes only what the shell would otherwise interpret', () => {
    expect(shellQuote('172.17.0.0/16')).toBe('172.17.0.0/16');
    expect(shellQuote('!')).toBe("'!'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('$(reboot)')).toBe("'$(reboot)'");
  });
});
