import { table } from '../text/table.js';
import type { Outcome } from '../plan/expectation.js';

/** Beyond this many rows (a full mesh), the table lists only the expectations not met. */
export const FULL_TABLE_MAX = 60;

export function renderOutcomes(outcomes: readonly Outcome[]): string {
  const shown = outcomes.length > FULL_TABLE_MAX ? outcomes.filter((o) => !o.pass).slice(0, FULL_TABLE_MAX) : outcomes;
  const rows = shown.map((o) => {
    // State checks (command output, veth peers) hold or not; packets reach or not.
    const state = o.kind === 'output' || o.kind === 'veth-peer';
    return [
      o.pass ? 'PASS' : 'FAIL',
      o.title,
      state ? (o.expect === 'reach' ? 'holds' : 'must not hold') : o.expect === 'reach' ? 'reaches' : 'must not reach',
      state ? (o.reached ? 'held' : 'did not hold') : o.reached ? 'reached' : 'did not reach',
      o.detail,
    ];
  });
  // A lab stopped before its first checked step: say so rather than print an empty table.
  if (outcomes.length === 0) return 'No expectations hold at this point: no step so far declares a check.\n';
  const passed = outcomes.filter((o) => o.pass).length;
  const verdict = passed === outcomes.length ? 'all expectations met' : `${outcomes.length - passed} NOT met`;
  const note = shown.length === outcomes.length ? '' : `(${outcomes.length} expectations: only those not met are listed, at most ${FULL_TABLE_MAX})\n`;
  return `${note}${table(['', 'expectation', 'expected', 'outcome', 'rtt / reason'], rows)}\n\n${passed}/${outcomes.length} expectations met: ${verdict}\n`;
}
