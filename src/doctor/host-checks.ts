import { existsSync, readFileSync } from 'node:fs';
import { findTool, PACKAGES } from '../kernel/tools.js';
import type { Check } from './check.js';

const CAP_NET_ADMIN = 12;
const CAP_SYS_ADMIN = 21;

/** Root, and the two capabilities namespaces need (a container may be root without them). */
export function checkPrivileges(): Check[] {
  const uid = process.getuid?.();
  const status = (() => {
    try {
      return readFileSync('/proc/self/status', 'utf8');
    } catch {
      return '';
    }
  })();
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  const caps = capEff === undefined ? undefined : BigInt(`0x${capEff}`);
  const has = (bit: number) => caps !== undefined && (caps & (1n << BigInt(bit))) !== 0n;
  return [
    uid === 0 ? { name: 'root', status: 'ok', detail: 'running as uid 0' } : { name: 'root', status: 'fail', detail: `running as uid ${uid}: run nslab with sudo` },
    has(CAP_NET_ADMIN) && has(CAP_SYS_ADMIN)
      ? { name: 'capabilities', status: 'ok', detail: 'CAP_NET_ADMIN and CAP_SYS_ADMIN' }
      : { name: 'capabilities', status: 'fail', detail: `CapEff ${capEff ?? '?'} lacks CAP_NET_ADMIN or CAP_SYS_ADMIN (a container run without --privileged?)` },
    existsSync('/proc/self/ns/net')
      ? { name: 'network namespaces', status: 'ok', detail: '/proc/self/ns/net present' }
      : { name: 'network namespaces', status: 'fail', detail: 'kernel built without CONFIG_NET_NS' },
  ];
}

const REQUIRED = ['ip', 'iptables', 'iptables-restore', 'ping', 'sysctl'] as const;
// Optional tools, and what is lost without them.
const OPTIONAL: Readonly<Record<string, string>> = {
  fping: 'full-mesh verification falls back to one ping process per pair (about 10x slower)',
  brctl: 'bridges are made with `ip link add type bridge` instead of brctl',
  tcpdump: 'packet capture is unavailable',
};

export function checkTools(): Check[] {
  const pkg = (t: string) => PACKAGES[t] ?? t;
  return [
    ...REQUIRED.map((t): Check => {
      const path = findTool(t);
      return path ? { name: `tool ${t}`, status: 'ok', detail: path } : { name: `tool ${t}`, status: 'fail', detail: `missing (Debian package ${pkg(t)}): run sudo ./scripts/provision.sh` };
    }),
    ...Object.entries(OPTIONAL).map(([t, without]): Check => {
      const path = findTool(t);
      return path ? { name: `tool ${t}`, status: 'ok', detail: path } : { name: `tool ${t}`, status: 'warn', detail: `missing (Debian package ${pkg(t)}, installed by scripts/provision.sh): ${without}` };
    }),
  ];
}
