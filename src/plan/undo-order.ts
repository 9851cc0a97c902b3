import type { Cmd } from '../exec/command.js';
import type { Gone } from '../ops/gone.js';
import { keyId, sameObject, type ObjectKey, type Op, type UndoGuard } from '../ops/op.js';

/**
 * One change as teardown sees it: a journal entry that may have applied, or a planned op
 * (the dry-run script shows the teardown `nslab down` would run). `seq` is its order.
 */
export interface Undoable {
  readonly seq: number;
  readonly summary: string;
  readonly undo?: Cmd | undefined;
  readonly undoGone?: Gone | undefined;
  readonly guard?: UndoGuard | undefined;
  readonly creates?: ObjectKey | undefined;
  readonly within: readonly ObjectKey[];
  readonly deletes?: ObjectKey | undefined;
  /** It took away what an earlier change made, and nothing puts it back (see Op.removes). */
  readonly removes?: true | undefined;
}

export interface UndoStep {
  readonly summary: string;
  readonly cmd: Cmd;
  /** Its object's kind: that kind's "not found" counts as done (see ops/gone.ts). */
  readonly gone: Gone | undefined;
  readonly guard?: UndoGuard | undefined;
}

/**
 * The undos of these changes, newest first. A change is skipped when an object it lives in
 * is itself removed here: deleting a namespace takes its links, addresses, routes, sysctls
 * and rules with it. A link made is skipped only with its own namespace: a veth whose peer's
 * namespace goes dies too, but when the kernel gets to it, which can take seconds while it
 * tears many namespaces down; where its own namespace stays, it is deleted there and then.
 */
export function undoOrder(changes: readonly Undoable[]): UndoStep[] {
  const removed = new Set(changes.filter((e) => e.creates && e.undo).map((e) => keyId(e.creates!)));
  return [...changes]
    .reverse()
    .filter((e) => e.undo !== undefined)
    .filter((e) => !livesIn(e).some((key) => removed.has(keyId(key))))
    .filter((e) => !cancelled(changes, e))
    .map((e) => ({ summary: `undo: ${e.summary}`, cmd: e.undo!, gone: e.undoGone, ...(e.guard ? { guard: e.guard } : {}) }));
}

/** What a change dies with: a link made, with its own namespace; anything else, with all it is within. */
const livesIn = (e: Undoable): readonly ObjectKey[] => (e.creates?.kind === 'link' ? [{ kind: 'netns', ns: e.creates.ns }] : e.within);

/** A plan's ops as the changes they would be; a captured inverse shows what it restores. */
export function plannedChanges(ops: readonly Op[]): Undoable[] {
  return ops.map((op, i) => ({ ...op, seq: i + 1, undo: op.undo ?? op.capture?.undo('<previous value>') }));
}

/**
 * A creation and a later deletion of the same object, both among these changes, cancel out:
 * the object is gone already, so neither undo runs (a rewind that keeps the creation undoes
 * only the deletion, and puts the object back).
 */
function cancelled(changes: readonly Undoable[], e: Undoable): boolean {
  if (e.deletes !== undefined) return changes.some((c) => c.seq < e.seq && sameObject(c.creates, e.deletes));
  if (e.creates === undefined) return false;
  // The last deletion after this creation, with no re-creation between them.
  const after = changes.filter((x) => x.seq > e.seq);
  const deletion = after.find((x) => sameObject(x.deletes, e.creates));
  return deletion !== undefined && !after.some((x) => sameObject(x.creates, e.creates) && x.seq < deletion.seq);
}
