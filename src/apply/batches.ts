import { batchKey } from '../exec/batch.js';
import { keyId, type ObjectKey, type Op } from '../ops/op.js';

/**
 * Groups ops into as few processes as is safe. Ops that share a batch key (same tool, same
 * namespace) join one batch unless an op between them in the plan must run in between;
 * the rest run alone. The commands run in one namespace always run in plan order (each
 * batch there waits for the one before). Across namespaces, two ops are kept in order
 * when they conflict, that is when they touch the same thing:
 *   - a link (by namespace and name): addr, up, master on it, or creating it;
 *   - a whole namespace: creating it, or any op there that names no link of its own
 *     (a route via a gateway needs the address in place; a rule, a sysctl, a daemon);
 * and every op reads that the namespaces it lives in exist. Deleting a namespace waits for
 * every op before it. A conflicting op always
 * runs after the one before it in the plan (same batch in order, or a later batch that
 * waits for it), so the kernel sees each object's commands in the plan's order.
 */
export interface Batch {
  /** Undefined: one op that cannot share a process (brctl, sysctl, an agent, a capture). */
  readonly key: string | undefined;
  readonly ops: Op[];
  /** Indices of batches that must finish before this one starts. */
  readonly after: Set<number>;
}

interface Access {
  readonly ns: string;
  /** A link name, or '*' for the namespace as a whole. */
  readonly obj: string;
  readonly write: boolean;
}


// `lo` exists from the moment its namespace does; any other link must be made in the plan
// for its ops to count as touching that link alone.
function accesses(op: Op, made: ReadonlySet<string>): Access[] {
  const out: Access[] = [];
  const home = op.cmd.netns ?? '';
  let homeLink = false;
  const created = [op.creates, ...(op.alsoCreates ?? [])].filter((k): k is ObjectKey => k !== undefined);
  const isCreated = new Set(created.map(keyId));
  for (const k of [...created, ...op.within]) {
    if (k.kind === 'file') continue;
    if (k.kind === 'netns') {
      out.push({ ns: k.ns, obj: '*', write: isCreated.has(keyId(k)) });
      continue;
    }
    const known = isCreated.has(keyId(k)) || k.dev === 'lo' || made.has(keyId(k));
    out.push({ ns: k.ns, obj: known ? k.dev : '*', write: true });
    if (k.ns === home) homeLink = true;
  }
  const createsNamespace = created.some((k) => k.kind === 'netns');
  if (!homeLink && !createsNamespace) out.push({ ns: home, obj: '*', write: true });
  return out;
}

/** What batches did in one namespace: to it as a whole, and to its links. */
interface NamespaceTouches {
  readonly wrote: Set<number>;
  readonly read: Set<number>;
  /** Batches that touched any link here, and each link's own. */
  readonly anyLink: Set<number>;
  readonly links: Map<string, Set<number>>;
}

/**
 * Which batches touched what: the index conflicts are looked up in. A write to a whole
 * namespace conflicts with everything done there; reading that it exists, with writes to
 * it as a whole; a link, with the namespace written as a whole and with that link.
 */
class Touches {
  readonly #by = new Map<string, NamespaceTouches>();

  conflicts(a: Access): number[] {
    const t = this.#by.get(a.ns);
    if (!t) return [];
    if (a.obj === '*') return a.write ? [...t.wrote, ...t.read, ...t.anyLink] : [...t.wrote];
    return [...t.wrote, ...(t.links.get(a.obj) ?? [])];
  }

  record(a: Access, batch: number): void {
    let t = this.#by.get(a.ns);
    if (!t) this.#by.set(a.ns, (t = { wrote: new Set(), read: new Set(), anyLink: new Set(), links: new Map() }));
    if (a.obj === '*') (a.write ? t.wrote : t.read).add(batch);
    else {
      t.anyLink.add(batch);
      const link = t.links.get(a.obj) ?? new Set<number>();
      t.links.set(a.obj, link.add(batch));
    }
  }
}

export function planBatches(ops: readonly Op[]): Batch[] {
  const batches: Batch[] = [];
  const touches = new Touches();
  const made = new Set<string>();
  const lastIn = new Map<string, number>();
  for (const op of ops) {
    const access = accesses(op, made);
    const ns = op.cmd.netns ?? '';
    const previous = lastIn.get(ns);
    // Deleting a namespace also deletes what reaches into it from elsewhere (the far end of a
    // veth, a macvlan child), which no key names: it waits for everything before it.
    const gone = op.deletes;
    const deletesNamespace = gone?.kind === 'netns';
    if (deletesNamespace) access.push({ ns: gone.ns, obj: '*', write: true });
    const barrier = deletesNamespace ? batches.map((_, i) => i) : [];
    const deps = [...access.flatMap((a) => touches.conflicts(a)), ...barrier, ...(previous === undefined ? [] : [previous])];
    const last = Math.max(-1, ...deps);
    const key = op.capture ? undefined : batchKey(op.cmd);
    let target = key === undefined ? -1 : batches.findIndex((b, i) => i >= last && b.key === key);
    if (target === -1) {
      target = batches.length;
      batches.push({ key, ops: [], after: new Set() });
    }
    const batch = batches[target]!;
    batch.ops.push(op);
    for (const d of deps) if (d !== target) batch.after.add(d);
    for (const a of access) touches.record(a, target);
    lastIn.set(ns, target);
    for (const k of [op.creates, ...(op.alsoCreates ?? [])]) if (k) made.add(keyId(k));
  }
  return batches;
}
