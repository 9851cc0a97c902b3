import { appendFileSync, closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { NslabError } from '../errors.js';
import type { Cmd } from '../exec/command.js';
import type { ObjectKey, UndoGuard } from '../ops/op.js';
import { FaultCounter, faultPlanFromEnv } from './fault.js';

/** What the journal keeps of an op: enough to undo it from another process. */
export interface JournalEntry {
  readonly seq: number;
  readonly summary: string;
  readonly cmd: Cmd;
  readonly undo?: Cmd | undefined;
  readonly guard?: UndoGuard | undefined;
  readonly creates?: ObjectKey | undefined;
  readonly within: readonly ObjectKey[];
  /** intent: written before the command ran, so it may or may not have taken effect. */
  readonly status: 'intent' | 'done' | 'failed';
}

export type NewEntry = Omit<JournalEntry, 'seq' | 'status'>;

export interface Journal {
  intend(entry: NewEntry): number;
  mark(seq: number, status: 'done' | 'failed'): void;
  entries(): JournalEntry[];
}

type Line = { t: 'op'; e: Omit<JournalEntry, 'status'> } | { t: 'status'; seq: number; status: 'done' | 'failed' };

function fold(lines: readonly Line[]): JournalEntry[] {
  const byseq = new Map<number, JournalEntry>();
  for (const line of lines) {
    if (line.t === 'op') byseq.set(line.e.seq, { ...line.e, status: 'intent' });
    else {
      const e = byseq.get(line.seq);
      if (e) byseq.set(line.seq, { ...e, status: line.status });
    }
  }
  return [...byseq.values()].sort((a, b) => a.seq - b.seq);
}

/** In memory only: dry-runs and unit tests. */
export class MemoryJournal implements Journal {
  readonly #lines: Line[] = [];
  #seq = 0;

  intend(entry: NewEntry): number {
    const seq = ++this.#seq;
    this.#lines.push({ t: 'op', e: { ...entry, seq } });
    return seq;
  }

  mark(seq: number, status: 'done' | 'failed'): void {
    this.#lines.push({ t: 'status', seq, status });
  }

  entries(): JournalEntry[] {
    return fold(this.#lines);
  }
}

/**
 * Write-ahead journal, one JSON line per event, synced before the command runs: after a
 * crash at any point, every op that might have taken effect is on disk.
 */
export class FileJournal implements Journal {
  readonly path: string;
  #seq: number;
  readonly #fault = new FaultCounter(faultPlanFromEnv());

  constructor(path: string) {
    this.path = path;
    this.#seq = Math.max(0, ...readJournal(path, { missingOk: true }).map((e) => e.seq));
  }

  intend(entry: NewEntry): number {
    const seq = ++this.#seq;
    this.#append({ t: 'op', e: { ...entry, seq } });
    return seq;
  }

  mark(seq: number, status: 'done' | 'failed'): void {
    this.#append({ t: 'status', seq, status });
    if (status === 'done') this.#fault.opDone();
  }

  entries(): JournalEntry[] {
    return readJournal(this.path, { missingOk: true });
  }

  #append(line: Line): void {
    const fd = openSync(this.path, 'a');
    try {
      appendFileSync(fd, `${JSON.stringify(line)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

export function readJournal(path: string, options: { missingOk?: boolean } = {}): JournalEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && options.missingOk) return [];
    throw err;
  }
  const lines: Line[] = [];
  const raw = text.split('\n');
  for (const [i, l] of raw.entries()) {
    if (l.trim() === '') continue;
    try {
      lines.push(JSON.parse(l) as Line);
    } catch {
      // A torn last line is what a crash mid-write leaves; the op it described never ran.
      if (i === raw.length - 1 || raw.slice(i + 1).every((rest) => rest.trim() === '')) continue;
      throw new NslabError(`journal ${path} is corrupt at line ${i + 1}`, {
        hint: 'run `nslab clean` to remove the lab by its names and tags instead',
      });
    }
  }
  return fold(lines);
}
