import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The folders of src/ are floors of one house (docs/architecture.md, "Floors"): a module may
// import its own folder and the floors below it, never one above. This reads every import of
// every module, so a new upward import or a cycle between folders fails here, naming the line.

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

/** Ground first, as docs/architecture.md lists them. '.' is src/ itself (errors, log, state-dir). */
export const FLOORS = [
  '.',
  'text',
  'exec',
  'agent',
  'model',
  'ops',
  'kernel',
  'plan',
  'verify',
  'apply',
  'lifecycle',
  'docker',
  'sandbox',
  'compose',
  'view',
  'inspect',
  'trace',
  'doctor',
  'exercise',
  'guide',
  'program',
  'dockercli',
  'realdocker',
  'web',
  'cli',
] as const;

function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return modules(p);
    return /\.(ts|mts|mjs)$/.test(f) ? [p] : [];
  });
}

function folderOf(file: string): string {
  const r = relative(src, file);
  return r.includes('/') ? r.split('/')[0]! : '.';
}

interface Import {
  readonly from: string;
  readonly to: string;
  readonly line: number;
}

function imports(): Import[] {
  const out: Import[] = [];
  for (const file of modules(src)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      for (const m of text.matchAll(/(?:from\s+|import\(\s*|^import\s+)(['"])(\.[^'"]+)\1/g)) {
        out.push({ from: file, to: resolve(dirname(file), m[2]!).replace(/\.js$/, '.ts'), line: i + 1 });
      }
    });
  }
  return out;
}

describe('the floors of src/', () => {
  const all = imports();

  it('has every folder on a floor', () => {
    const folders = new Set(modules(src).map(folderOf));
    expect([...folders].filter((f) => !(FLOORS as readonly string[]).includes(f))).toEqual([]);
  });

  it('reads the imports (a parser that found none would pass anything)', () => {
    expect(all.length).toBeGreaterThan(500);
    expect(all.some((i) => folderOf(i.from) === 'cli' && folderOf(i.to) === 'docker')).toBe(true);
  });

  it('imports nothing from a floor above', () => {
    const floor = (f: string) => (FLOORS as readonly string[]).indexOf(folderOf(f));
    const upward = all
      .filter((i) => floor(i.to) > floor(i.from))
      .map((i) => `${relative(src, i.from)}:${i.line} imports ${relative(src, i.to)} (${folderOf(i.from)} is below ${folderOf(i.to)})`);
    expect(upward).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const i of all) {
      const [a, b] = [folderOf(i.from), folderOf(i.to)];
      if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
    }
    // Each cycle once, from its first folder in sort order.
    const cycles = new Set<string>();
    const walk = (node: string, path: string[]) => {
      for (const next of edges.get(node) ?? []) {
        const at = path.indexOf(next);
        if (at < 0) walk(next, [...path, next]);
        else {
          const loop = path.slice(at);
          const first = loop.indexOf([...loop].sort()[0]!);
          cycles.add([...loop.slice(first), ...loop.slice(0, first), loop[first]].join(' -> '));
        }
      }
    };
    for (const start of edges.keys()) walk(start, [start]);
    expect([...cycles]).toEqual([]);
  });
});
