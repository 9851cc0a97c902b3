import type { Journal, NewEntry } from '../apply/journal.js';
import { NslabError } from '../errors.js';

/** Ctrl-C and friends: each stops a lab being built and has it torn down, never left half-made. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Exit code of a process stopped by a signal it handled (128 + SIGINT). */
export const INTERRUPTED_EXIT = 130;

/** The reason an interrupted command reports: the lab was torn down and nothing is left behind. */
export class InterruptedError extends NslabError {
  readonly signal: StopSignal;

  constructor(signal: StopSignal, what: string) {
    super(`interrupted by ${signal}: ${what}`, { hint: 'nothing is left behind; `nslab ls` shows no record of it', exitCode: INTERRUPTED_EXIT });
    this.name = 'InterruptedError';
    this.signal = signal;
  }
}

/**
 * Runs `fn` with the stop signals turned into an AbortSignal instead of killing the
 * process, so whatever was built can be torn down. Further signals while tearing down
 * are reported and ignored: leaving a half-removed lab is exactly what this prevents.
 * Used by every command that builds a lab (run, up, and guided mode).
 */
export async function withInterrupts<T>(notify: (line: string) => void, fn: (signal: AbortSignal) => Promise<T>, doing = 'stopping and tearing the lab down'): Promise<T> {
  const controller = new AbortController();
  const onSignal = (sig: StopSignal) => {
    if (controller.signal.aborted) {
      notify(`nslab: ${sig} again: still tearing down, please wait`);
      return;
    }
    notify(`nslab: ${sig} received: ${doing}`);
    controller.abort(sig);
  };
  const listeners = STOP_SIGNALS.map((sig) => [sig, () => onSignal(sig)] as const);
  for (const [sig, l] of listeners) process.on(sig, l);
  try {
    return await fn(controller.signal);
  } finally {
    for (const [sig, l] of listeners) process.off(sig, l);
  }
}

/**
 * Lets a stop signal that has already arrived be handled: Node runs signal handlers from the
 * event loop, so a Ctrl-C during the last operation is seen only after a turn of it. Called
 * before a command decides it finished uninterrupted.
 */
export function signalsDelivered(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));
}

/** Which stop signal aborted `signal`, if any. */
export function stopSignalOf(signal: AbortSignal | undefined): StopSignal | undefined {
  return signal?.aborted ? (signal.reason as StopSignal) : undefined;
}

/** Rejects as soon as `signal` aborts, so a long wait (probes, a prompt) ends on Ctrl-C. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(`aborted by ${String(signal.reason)}`));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A journal that refuses to begin a new op once `signal` has aborted: the apply loop
 * starts no further process (the ops of one process are journaled together), and the ops
 * already journaled are undone as on any failure.
 */
export function interruptibleJournal(journal: Journal, signal: AbortSignal | undefined): Journal {
  if (signal === undefined) return journal;
  return {
    intend: (entries: readonly NewEntry[]) => {
      if (signal.aborted) throw new Error(`aborted by ${String(signal.reason)} before: ${entries[0]?.summary ?? 'the next op'}`);
      return journal.intend(entries);
    },
    mark: (marks) => journal.mark(marks),
    entries: () => journal.entries(),
  };
}

/**
 * A terminal in readline's raw mode turns Ctrl-C into a keypress, not a signal: prompts
 * (guided mode) pass their interface here so Ctrl-C still reaches withInterrupts.
 */
export function relayTerminalInterrupt(rl: { on(event: 'SIGINT', listener: () => void): unknown }): void {
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
}
