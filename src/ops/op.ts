import type { Cmd } from '../exec/command.js';
import type { Gone } from './gone.js';

/**
 * A kernel object (or file) an op creates, deletes or lives inside. Teardown uses them to
 * skip undoing what a later deletion removes anyway; the scheduler, to order ops that touch
 * the same thing. `ns` is "" for the namespace nslab runs in.
 */
export type ObjectKey =
  | { readonly kind: 'netns'; readonly ns: string }
  | { readonly kind: 'link'; readonly ns: string; readonly dev: string }
  | { readonly kind: 'file'; readonly path: string };

export const netnsKey = (ns: string): ObjectKey => ({ kind: 'netns', ns });
export const linkKey = (ns: string | undefined, dev: string): ObjectKey => ({ kind: 'link', ns: ns ?? '', dev });
export const fileKey = (path: string): ObjectKey => ({ kind: 'file', path });

/** One string per object, for sets and maps. Only ever compared, never parsed back. */
export function keyId(k: ObjectKey): string {
  if (k.kind === 'netns') return `netns\0${k.ns}`;
  if (k.kind === 'link') return `link\0${k.ns}\0${k.dev}`;
  return `file\0${k.path}`;
}

export const sameObject = (a: ObjectKey | undefined, b: ObjectKey | undefined): boolean => a !== undefined && b !== undefined && keyId(a) === keyId(b);

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
  /**
   * A forward op that takes away what an earlier op made (a link, a rule, a process, a
   * namespace), with nothing that puts it back: a rewind to a step before it cannot undo its
   * way there, and rebuilds the lab to that step instead.
   */
  readonly removes?: true | undefined;
  /**
   * What the docker host's admin does beside dockerd (a ufw rule, DOCKER-USER, a VM bridge):
   * not Docker's, so a real dockerd judging the lab is not held to it.
   */
  readonly admin?: true | undefined;
}

/** Marks ops as the host admin's own (Op.admin). */
export const byAdmin = (ops: readonly Op[]): Op[] => ops.map((op) => ({ ...op, admin: true }));
