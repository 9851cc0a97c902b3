import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { stateDir } from './state-dir.js';

/** The command log: one JSON line per command nslab runs (netns, argv, exit code, duration). */
export function logFile(): string {
  return process.env.NSLAB_LOG ?? join(stateDir(), 'nslab.log');
}

/** What nslab writes to its log: pino's `info(fields, message)`. */
export interface CommandLog {
  info(fields: object, message: string): void;
}

// pino (CommonJS) is required on the first line written, not at start: a command that runs
// nothing, like `nslab --help`, does not load it (~17 ms). From the checkout's node_modules,
// wherever this code runs from (a bundle, a snapshot of one, the TypeScript).
const requireHere = () => createRequire(process.env.NSLAB_ROOT ? join(process.env.NSLAB_ROOT, 'package.json') : import.meta.url);

export function createLogger(file = logFile()): CommandLog {
  let pino: Logger | undefined;
  return {
    info(fields, message) {
      if (pino === undefined) {
        mkdirSync(dirname(file), { recursive: true });
        const make = requireHere()('pino') as typeof import('pino');
        pino = make.pino({ base: { pid: process.pid } }, make.destination({ dest: file, sync: true, append: true }));
      }
      pino.info(fields, message);
    },
  };
}
