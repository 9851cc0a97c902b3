import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A Docker lab is a scene of dockerd's actions: it asks the Engine (docker run, network create,
// connect), and the network's driver makes the links. None reaches past the Engine into a
// driver's link builders. The namespaces and veth labs teach the raw parts themselves, and
// scale builds its mesh from raw ops because the Engine's per-container files and ARP
// announcements are most of its cost (docs/architecture.md).

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const RAW_LABS = new Set(['namespaces.ts', 'veth.ts', 'scale.ts', 'index.ts']);
const DRIVER_MODULES = ['src/docker/drivers/', 'src/docker/bridge-network.ts', 'src/docker/macvlan-network.ts'];

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from\s+['"](\.[^'"]+)['"]/g)].map((m) => relative(root, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
}

describe('the Docker labs go through the Engine', () => {
  const labs = readdirSync(join(root, 'labs')).filter((f) => f.endsWith('.ts') && !RAW_LABS.has(f));

  it('finds the Docker labs', () => {
    expect(labs).toEqual(expect.arrayContaining(['docker0.ts', 'macvlan.ts', 'modes.ts', 'overlay.ts', 'connect.ts']));
  });

  it('imports no driver module', () => {
    const reaching = labs.flatMap((f) => importsOf(join(root, 'labs', f)).filter((i) => DRIVER_MODULES.some((d) => i.startsWith(d))).map((i) => `labs/${f} imports ${i}`));
    expect(reaching).toEqual([]);
  });

  it("renders each step's docker line from the command it does, never typed beside it", () => {
    const typed = labs.flatMap((f) =>
      readFileSync(join(root, 'labs', f), 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `labs/${f}:${i + 1}` }))
        .filter(({ line }) => /\b(docker|dockerReplay): \[.*['"`]docker (run|rm|network)\b/.test(line))
        .map(({ at }) => at),
    );
    expect(typed).toEqual([]);
  });

  it('builds its containers with the Engine, not by hand', () => {
    const byHand = labs.filter((f) => /\b(attachContainer|attachMacvlan|overlayJoin|createContainerNamespace)\b/.test(readFileSync(join(root, 'labs', f), 'utf8')));
    expect(byHand).toEqual([]);
  });
});

describe('the Engine is the controller, not its drivers', () => {
  const engine = readFileSync(join(root, 'src/docker/engine.ts'), 'utf8');

  it('names no driver: it asks the network\'s', () => {
    expect(engine.split('\n').filter((l) => /macvlan|overlay|vxlan|\bveth\b|brctl/.test(l) && !l.trim().startsWith('//') && !l.trim().startsWith('*') && !l.trim().startsWith('/**'))).toEqual([]);
  });

  it('stays under 250 lines (what grows belongs in a driver or a module of its own)', () => {
    expect(engine.split('\n').length).toBeLessThan(250);
  });
});
