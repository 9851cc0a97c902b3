import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pino, { type Logger } from 'pino';
import { stateDir } from './lifecycle/state.js';

/** The command log: one JSON line per command nslab runs (netns, argv, exit code, duration). */
export function logFile(): string {
  return process.env.NSLAB_LOG ?? join(stateDir(), 'nslab.log');
}

export function createLogger(file = logFile()): Logger {
  mkdirSync(dirname(file), { recursive: true });
  return pino({ base: { pid: process.pid } }, pino.destination({ dest: file, sync: true, append: true }));
}
