import { agentCmd } from '../agent/agent.js';
import { fileKey, netnsKey, type Op } from './op.js';

/**
 * A file nslab writes for a lab: a namespace's resolv.conf under /etc/netns (which
 * `ip netns exec` mounts over /etc/resolv.conf), a DNS record. Files live outside every
 * namespace, so the inverse always runs; it also removes the directory if left empty.
 */
export function fileWrite(path: string, lines: readonly string[], summary = `write ${path}`): Op {
  return {
    summary,
    cmd: agentCmd(undefined, 'write-file', path, ...lines),
    undo: agentCmd(undefined, 'remove-file', path),
    undoGone: 'file',
    creates: fileKey(path),
    within: [],
  };
}

/** Removes a file written by fileWrite (a DNS record on disconnect); its undo writes `restore` back. */
export function fileRemove(path: string, summary = `remove ${path}`, restore?: readonly string[]): Op {
  return { summary, cmd: agentCmd(undefined, 'remove-file', path), ...(restore ? { undo: agentCmd(undefined, 'write-file', path, ...restore), undoGone: 'file' as const, deletes: fileKey(path) } : { removes: true as const }), within: [] };
}

/** Writes a file written before again (a container's hosts after a connect); its undo writes `before` back. */
export function fileRewrite(path: string, lines: readonly string[], before: readonly string[], summary = `write ${path} again`): Op {
  // Within the file: when the file itself is removed, there is nothing to write back.
  return { summary, cmd: agentCmd(undefined, 'write-file', path, ...lines), undo: agentCmd(undefined, 'write-file', path, ...before), undoGone: 'file', within: [fileKey(path)] };
}

/**
 * Overwrites a file fileWrite wrote; its undo writes `previous` back. `ns`: a namespace's own
 * file (/etc/netns/<ns>/...), which a teardown removes with the namespace, not restores.
 */
export function fileReplace(path: string, lines: readonly string[], previous: readonly string[], summary = `rewrite ${path}`, ns?: string): Op {
  return { summary, cmd: agentCmd(undefined, 'write-file', path, ...lines), undo: agentCmd(undefined, 'write-file', path, ...previous), undoGone: 'file', within: ns === undefined ? [] : [netnsKey(ns)] };
}
