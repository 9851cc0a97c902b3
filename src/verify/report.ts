import { localize, tr } from '../text/i18n.js';
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
      o.pass ? tr`PASS` : tr`FAIL`,
      localize(o.title),
      state ? (o.expect === 'reach' ? tr`holds` : tr`must not hold`) : o.expect === 'reach' ? tr`reaches` : tr`must not reach`,
      state ? (o.reached ? tr`held` : tr`did not hold`) : o.reached ? tr`reached` : tr`did not reach`,
      localize(o.detail),
    ];
  });
  // A lab stopped before its first checked step: say so rather than print an empty table.
  if (outcomes.length === 0) return `${tr`No expectations hold at this point: no step so far declares a check.`}\n`;
  const passed = outcomes.filter((o) => o.pass).length;
  const verdict = passed === outcomes.length ? tr`all expectations met` : tr`${outcomes.length - passed} NOT met`;
  const note = shown.length === outcomes.length ? '' : `(${tr`${outcomes.length} expectations: only those not met are listed, at most ${FULL_TABLE_MAX}`})\n`;
  return `${note}${table(['', tr`expectation`, tr`expected`, tr`outcome`, tr`rtt / reason`], rows)}\n\n${tr`${passed}/${outcomes.length} expectations met: ${verdict}`}\n`;
}
