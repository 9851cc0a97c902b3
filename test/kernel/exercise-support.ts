import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { cli } from './support.js';

/** What a learner types: plain commands, each a separate argv. */
export type Commands = readonly (readonly string[])[];

export function run(commands: Commands): void {
  for (const [file, ...args] of commands) execFileSync(file!, args, { stdio: 'pipe' });
}

interface Finding {
  requirement: string;
  pass: boolean;
  detail: string;
  mistake?: string;
  /** The hints shown for it (with --all-hints, every one, the fixing command last). */
  hints: string[];
  hintsLeft: number;
  hint?: string;
}

/** `exercise check --json --all-hints`: each finding's `hint` is its last hint, the command. */
export async function check(id: string, name: string): Promise<{ code: number; pass: boolean; findings: Finding[] }> {
  const r = await cli('exercise', 'check', id, '--name', name, '--json', '--all-hints');
  expect(r.err).toBe('');
  const out = JSON.parse(r.out) as { pass: boolean; findings: Finding[] };
  return { code: r.code, pass: out.pass, findings: out.findings.map((f) => ({ ...f, hint: f.hints.at(-1) })) };
}

/** The check fails, names `mistake`, and its hint contains `hint` (the fixing command). */
export async function expectMistake(id: string, name: string, mistake: string, hint: string): Promise<void> {
  const c = await check(id, name);
  expect(c.code).toBe(1);
  expect(c.pass).toBe(false);
  // Every failure, not only the named one, comes with a hint.
  expect(c.findings.filter((f) => !f.pass && !f.hint).map((f) => f.requirement)).toEqual([]);
  const named = c.findings.filter((f) => f.mistake === mistake);
  expect(named.length, `no finding names ${mistake}: ${JSON.stringify(c.findings.filter((f) => !f.pass))}`).toBeGreaterThan(0);
  expect(named.map((f) => f.hint).join('\n')).toContain(hint);
}

export async function expectPass(id: string, name: string): Promise<void> {
  const c = await check(id, name);
  expect(c.findings.filter((f) => !f.pass).map((f) => `${f.requirement}: ${f.detail}`)).toEqual([]);
  expect(c.code).toBe(0);
}

/** Replaces one command (found by its exact text) with others; throws if it is absent, so a typo cannot make a test vacuous. */
export function replace(commands: Commands, which: string, ...by: (readonly string[])[]): Commands {
  const i = commands.findIndex((c) => c.join(' ') === which);
  if (i < 0) throw new Error(`no command "${which}" in the build`);
  return [...commands.slice(0, i), ...by, ...commands.slice(i + 1)];
}
