import { cmd } from '../exec/command.js';
import { netnsKey, type Op } from './op.js';

/** Sets a sysctl; the inverse restores whatever value was there before. */
export function sysctlSet(ns: string | undefined, key: string, value: string): Op {
  return {
    summary: `set ${key}=${value} in ${ns ?? 'the root namespace'}`,
    cmd: cmd('sysctl', ['-w', `${key}=${value}`], ns),
    capture: {
      read: cmd('sysctl', ['-n', key], ns),
      undo: (previous) => cmd('sysctl', ['-w', `${key}=${previous.trim()}`], ns),
    },
    undoGone: 'sysctl',
    within: ns === undefined ? [] : [netnsKey(ns)],
  };
}

