import type { Runner } from '../exec/runner.js';
import type { LabModel } from '../plan/lab.js';
import type { Expectation, Outcome } from '../plan/expectation.js';
import { verify } from './verify.js';

/** Checks a lab's expectations (or the given ones) by packets, its nodes resolved to namespaces. */
export async function verifyLab(runner: Runner, model: LabModel, expectations: readonly Expectation[] = model.expectations): Promise<Outcome[]> {
  const resolve = (node: string) => {
    const n = model.nodes[node];
    if (!n) throw new Error(`lab ${model.id} has no node ${node}`);
    return n.ns;
  };
  return verify(runner, expectations, resolve, { namespaces: Object.values(model.nodes).map((n) => n.ns) });
}
