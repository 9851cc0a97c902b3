import { say } from '../text/say.js';
import { cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import type { ProbeResult } from './probes.js';

const oneLine = (text: string, max = 70): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * Runs a read-only command inside `ns` and reports whether its output matches `pattern`
 * (multiline, so ^ and $ are line anchors). The detail is what matched, or the first line
 * of what was printed instead, so a learner sees the evidence either way.
 */
export async function outputMatches(runner: Runner, ns: string | undefined, argv: readonly string[], pattern: string): Promise<ProbeResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('output probe needs a command');
  const r = await runner.run(cmd(file, args, ns), { allowFail: true, timeoutMs: 5000 });
  if (r.exitCode !== 0) return { reached: false, detail: `${file} failed (exit ${r.exitCode}): ${oneLine(r.stderr)}` };
  const m = new RegExp(pattern, 'm').exec(r.stdout);
  if (m) return { reached: true, detail: oneLine(m[0]) || '(empty output)' };
  return { reached: false, detail: say`got: ${oneLine(r.stdout) || say`(empty output)`}` };
}
