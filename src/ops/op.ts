import type { Cmd } from '../exec/command.js';
import type { Gone } from './gone.js';

/**
 * Keys of kernel objects an op creates or lives inside:
 *   netns:<name>            a network namespace
 *   link:<netns>/<ifname>   an interface (netns is "" for the namespace nslab runs in)
 * Teardown uses them to skip undoing what a later deletion removes anyway.
 */
export type ObjectKey = string;

export const netnsKey = (ns: string): ObjectKey => `netns:${ns}`;
export const linkKey = (ns: string | undefined, dev: string): ObjectKey => `link:${ns ?? ''}/${dev}`;

/** The object a key names: a namespace (no dev), or a link in a namespace ("" for nslab's own). */
export function parseObjectKey(key: ObjectKey): { ns: string; dev?: string } | undefined {
  if (key.startsWith('netns:')) return { ns: key.slice('netns:'.length) };
  const m = /^link:([^/]*)\/(.+)$/.exec(key);
  return m ? { ns: m[1]!, dev: m[2]! } : undefined;
}

/**
 * A check run just before an undo that would remove more than nslab added (a whole
 * iptables table): the undo is skipped when the check's output matches `keepIf`. Plain data,
 * so it survives in the journal.
 */
export interface UndoGuard {
  readonly cmd: Cmd;
  /** A regular expression source, matched multiline. */
  readonly keepIf: string;
  readonly why: string;
}

/** One change to the kernel, with what undoes it. */
export interface Op {
  readonly summary: string;
  readonly cmd: Cmd;
  /** The inverse. Absent when nothing needs undoing (e.g. a change that only reads). */
  readonly undo?: Cmd | undefined;
  /**
   * The kind of object the undo removes, so teardown knows that kind's "not found" from a
   * real failure (see gone.ts). Every op with an undo (or a capture) says it.
   */
  readonly undoGone?: Gone | undefined;
  /**
   * For ops whose inverse depends on the state they overwrite (a sysctl): run `read`
   * before applying and build the inverse from its output.
   */
  readonly capture?: { readonly read: Cmd; readonly undo: (previous: string) => Cmd | undefined } | undefined;
  /** Teardown skips `undo` when this finds something nslab did not add (see UndoGuard). */
  readonly guard?: UndoGuard | undefined;
  readonly creates?: ObjectKey | undefined;
  /**
   * Other objects the op brings into being that go away with `creates` (the far end of a
   * veth pair). Only ordering uses them: an op on the peer runs after the op that made it.
   */
  readonly alsoCreates?: readonly ObjectKey[] | undefined;
  /** Removing any of these objects removes this op's effect as well. */
  readonly within: readonly ObjectKey[];
  /**
   * An object an earlier op created that this one takes away (a DNS record on disconnect).
   * Its undo puts it back, for a rewind to before it; a whole teardown skips both.
   */
  readonly deletes?: ObjectKey | undefined;
}
