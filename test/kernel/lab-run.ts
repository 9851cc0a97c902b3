import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { cli, isolateState, namespacesOf, requireKernel, rootSnapshot, uniqueName } from './support.js';

export interface LabSuite {
  /** The unique lab name this test file uses. */
  readonly name: string;
  /** The root namespace as it was before the file's first test. */
  readonly before: Record<string, string>;
  /** This file's state directory. */
  readonly state: string;
}

/**
 * Registers what every lab's kernel test file needs: root, its own state directory, the
 * root snapshot to compare against, and a scoped `nslab clean` of its own lab at the end.
 */
export function labSuite(prefix: string): LabSuite {
  const suite = { name: uniqueName(prefix), before: {} as Record<string, string>, state: '' };
  beforeAll(() => {
    requireKernel();
    suite.state = isolateState();
    suite.before = rootSnapshot();
  });
  afterAll(async () => {
    await cli('clean', suite.name);
  });
  return suite;
}

export interface RunOutcome {
  readonly title: string;
  readonly pass: boolean;
  readonly reached: boolean;
  readonly detail: string;
}

/**
 * `nslab run <lab> --json` as a learner runs it: it must pass, and leave nothing behind
 * (no namespace, no /etc/netns resolv.conf). Returns the outcomes by title.
 */
export async function runLab(lab: string, name: string): Promise<Record<string, RunOutcome>> {
  const r = await cli('run', lab, '--name', name, '--json');
  expect(r.err).toBe('');
  const result = JSON.parse(r.out) as { pass: boolean; outcomes: RunOutcome[] };
  expect(result.outcomes.filter((o) => !o.pass)).toEqual([]);
  expect(result.pass).toBe(true);
  expect(r.code).toBe(0);
  expect(namespacesOf(name)).toEqual([]);
  expect(netnsConfigOf(name)).toEqual([]);
  return Object.fromEntries(result.outcomes.map((o) => [o.title, o]));
}

/** /etc/netns directories (per-namespace resolv.conf) of a lab. */
export function netnsConfigOf(name: string): string[] {
  if (!existsSync('/etc/netns')) return [];
  return readdirSync('/etc/netns').filter((d) => d.startsWith(`nslab-${name}-`));
}

export async function verifyJson(name: string): Promise<{ code: number; failed: string[] }> {
  const v = await cli('verify', name, '--json');
  const outcomes = (JSON.parse(v.out) as { outcomes: RunOutcome[] }).outcomes;
  return { code: v.code, failed: outcomes.filter((o) => !o.pass).map((o) => o.title) };
}
