import { table } from '../../src/text/table.js';

export interface SizeResult {
  readonly containers: number;
  readonly pairs: number;
  readonly setup: { readonly nslab: number; readonly raw: number; readonly ratio: number };
  /** nslab and the fping script on a mesh just built (cold), and again once it has learned its neighbours (warm). */
  readonly verify: {
    readonly nslab: number;
    readonly fpingScript: number;
    readonly warm: { readonly nslab: number; readonly fpingScript: number };
    readonly sequential: number;
    readonly sequentialMeasuredPairs: number;
    readonly speedup: number;
    readonly allPassed: boolean;
    /** Did every target answer the fping script's single try (a cold mesh may lose a first packet)? */
    readonly scriptAnswered: boolean;
  };
  readonly teardown: { readonly nslab: number; readonly raw: number; readonly leftover: number };
}

export interface Target {
  readonly what: string;
  readonly limit: string;
  readonly measured: string;
  readonly met: boolean;
}

const s = (x: number) => `${x.toFixed(2)} s`;
const x = (r: number) => `${r.toFixed(2)}x`;

export function renderSizes(rows: readonly SizeResult[]): string {
  return table(
    ['N', 'pairs', 'setup nslab', 'setup raw ip -batch', 'ratio', 'verify nslab cold', 'fping script cold', 'verify nslab warm', 'fping script warm', 'sequential ping', 'speedup', 'teardown nslab', 'left'],
    rows.map((r) => [
      String(r.containers),
      String(r.pairs),
      s(r.setup.nslab),
      s(r.setup.raw),
      x(r.setup.ratio),
      `${s(r.verify.nslab)}${r.verify.allPassed ? '' : ' (FAILED)'}`,
      `${s(r.verify.fpingScript)}${r.verify.scriptAnswered ? '' : ' (some unanswered)'}`,
      s(r.verify.warm.nslab),
      s(r.verify.warm.fpingScript),
      `${s(r.verify.sequential)}${r.verify.sequentialMeasuredPairs < r.pairs ? ` (est. from ${r.verify.sequentialMeasuredPairs})` : ''}`,
      x(r.verify.speedup),
      s(r.teardown.nslab),
      String(r.teardown.leftover),
    ]),
  );
}

export function renderTargets(targets: readonly Target[]): string {
  return table(['', 'target', 'limit', 'measured'], targets.map((t) => [t.met ? 'met' : 'MISSED', t.what, t.limit, t.measured]));
}
