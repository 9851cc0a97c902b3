import { existsSync } from 'node:fs';
import { NslabError } from '../errors.js';
import { requireTools } from './tools.js';

/**
 * Tools every lab needs; brctl is optional (labs fall back to `ip link add type bridge`).
 * arping sends the unsolicited ARPs Docker 28 and later send for a new endpoint.
 */
export const REQUIRED_TOOLS = ['ip', 'iptables', 'ping', 'sysctl', 'arping'] as const;

export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new NslabError('nslab must run as root to create network namespaces', { hint: 'run it with sudo, e.g. `sudo npm start`' });
  }
}

export function requireNetns(): void {
  if (!existsSync('/proc/self/ns/net')) {
    throw new NslabError('this kernel does not support network namespaces', { hint: 'use a Linux kernel built with CONFIG_NET_NS, e.g. the Vagrant VM' });
  }
}

/** Everything that must hold before nslab changes the kernel. */
export function preflight(): void {
  requireRoot();
  requireNetns();
  requireTools(REQUIRED_TOOLS);
}
