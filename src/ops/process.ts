import { join } from 'node:path';
import { agentCmd } from '../agent/agent.js';
import { netnsKey, type Op } from './op.js';

/**
 * A server left running inside a namespace (a web server for `-p 8080:80`, a DNS server
 * for a user-defined network). `pidDir` is the lab's state directory. Deleting the
 * namespace kills it too (teardown kills a namespace's processes first).
 */
export function daemonStart(ns: string | undefined, pidDir: string, name: string, command: readonly string[]): Op {
  const pidfile = join(pidDir, `${name}.pid`);
  return {
    summary: `start ${name} (${command.join(' ')}) in ${ns ?? 'the root namespace'}`,
    cmd: agentCmd(ns, 'daemon', ...(ns === undefined ? [] : ['--netns', ns]), pidfile, ...command),
    undo: agentCmd(undefined, 'stop', pidfile),
    undoGone: 'process',
    within: ns === undefined ? [] : [netnsKey(ns)],
  };
}

/** Stops a daemon started by daemonStart (a resolver when its container leaves a network). */
export function daemonStop(pidDir: string, name: string): Op {
  return { summary: `stop ${name}`, cmd: agentCmd(undefined, 'stop', join(pidDir, `${name}.pid`)), within: [], removes: true };
}
