import { say } from '../text/say.js';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../lifecycle/state.js';
import { MISTAKES, NUDGES } from './mistakes.js';
import type { Finding } from './types.js';

/** Where an exercise instance keeps what it remembers between commands, until `reset`. */
export function exerciseStateDir(name: string): string {
  return join(stateDir(), 'exercises', name);
}

/** The hints for a failed requirement, gentlest first: where to look, then the command. */
export function hintLadder(f: Finding): string[] {
  if (f.pass) return [];
  const ladder: string[] = [];
  if (f.mistake) ladder.push(say`[${MISTAKES[f.mistake]}] ${NUDGES[f.mistake]}`);
  if (f.hint) ladder.push(f.hint);
  return ladder;
}

type Revealed = Record<string, number>;

const revealedPath = (name: string) => join(exerciseStateDir(name), 'hints.json');

export function revealedHints(name: string): Revealed {
  try {
    return JSON.parse(readFileSync(revealedPath(name), 'utf8')) as Revealed;
  } catch {
    return {};
  }
}

function saveRevealed(name: string, revealed: Revealed): void {
  mkdirSync(exerciseStateDir(name), { recursive: true });
  writeFileSync(revealedPath(name), `${JSON.stringify(revealed, null, 2)}\n`);
}

export interface HintReveal {
  readonly requirement: string;
  /** The hints shown so far for it, the new one last. */
  readonly shown: readonly string[];
  /** Hints not yet shown for this requirement. */
  readonly left: number;
  /** Hints not yet shown for the other unmet requirements. */
  readonly elsewhere: number;
}

/**
 * Reveals the next hint of the first unmet requirement that has one left, and remembers
 * it. Undefined when every requirement is met; `left` 0 and nothing new when all of its
 * hints are out.
 */
export function revealNext(name: string, findings: readonly Finding[]): HintReveal | undefined {
  const revealed = revealedHints(name);
  const failing = findings.filter((f) => hintLadder(f).length > 0);
  if (failing.length === 0) return undefined;
  const first = failing.find((f) => (revealed[f.requirement] ?? 0) < hintLadder(f).length) ?? failing[0]!;
  const ladder = hintLadder(first);
  const count = Math.min(ladder.length, (revealed[first.requirement] ?? 0) + 1);
  revealed[first.requirement] = count;
  saveRevealed(name, revealed);
  const elsewhere = failing.filter((f) => f !== first).reduce((n, f) => n + Math.max(0, hintLadder(f).length - (revealed[f.requirement] ?? 0)), 0);
  return { requirement: first.requirement, shown: ladder.slice(0, count), left: ladder.length - count, elsewhere };
}

export function forgetHints(name: string): void {
  rmSync(exerciseStateDir(name), { recursive: true, force: true });
}
