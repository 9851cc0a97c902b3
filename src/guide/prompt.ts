import { createInterface } from 'node:readline';
import { relayTerminalInterrupt } from '../lifecycle/interrupt.js';

export type Answer = 'continue' | 'stop' | 'quit';

/** Asks the learner whether to go on. Guided mode without one runs straight through. */
export interface Prompter {
  ask(question: string): Promise<Answer>;
  close(): void;
}

/** What a line typed at the prompt means: q (quit) removes, s (stop) keeps the lab, anything else goes on. */
export function parseAnswer(line: string): Answer {
  if (/^\s*q(uit)?\s*$/i.test(line)) return 'quit';
  return /^\s*s(top)?\s*$/i.test(line) ? 'stop' : 'continue';
}

/**
 * Reads answers line by line from `input` (the terminal, or a fake stream in tests).
 * End of input (Ctrl-D, a closed pipe) counts as quit: nobody is there to go on.
 */
export function linePrompter(input: NodeJS.ReadableStream, write: (text: string) => void): Prompter {
  const rl = createInterface({ input, terminal: false });
  relayTerminalInterrupt(rl);
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  rl.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w(undefined);
  });
  const nextLine = (): Promise<string | undefined> => {
    if (lines.length > 0) return Promise.resolve(lines.shift());
    if (ended) return Promise.resolve(undefined);
    return new Promise((resolve) => waiting.push(resolve));
  };
  return {
    async ask(question) {
      write(question);
      const line = await nextLine();
      return line === undefined ? 'quit' : parseAnswer(line);
    },
    close: () => rl.close(),
  };
}
