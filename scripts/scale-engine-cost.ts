// Why scale builds its mesh from raw ops, not engine.run (docs/architecture.md, Known debts):
// the same N containers both ways, each brought up with labUp and taken down, timed in one run.
// Usage: npx tsx scripts/scale-engine-cost.ts [N]   (as root; default 50)
import { LABS } from '../labs/index.js';
import { RealRunner } from '../src/exec/real-runner.js';
import { labDown, labUp } from '../src/lifecycle/lifecycle.js';
import { buildLab, detectEnv } from '../src/plan/build.js';
import { findLab, useLabs } from '../src/plan/catalogue.js';
import { Engine } from '../src/docker/engine.js';
import { resolveProfile } from '../src/docker/profile.js';
import { nsName } from '../src/model/names.js';
import { linkUp, netnsAdd } from '../src/ops/ip.js';
import { instanceDir } from '../src/state-dir.js';
useLabs({ labs: LABS, unlisted: [] });
const n = Number(process.argv[2] ?? 50);
const runner = new RealRunner({ logger: { info() {} } });
const env = detectEnv();
function variant(kind: string, name: string) {
  const model = buildLab(findLab('scale'), name, { containers: n }, env);
  if (kind === 'raw') return model;
  const host = nsName(name, 'host');
  const e = new Engine({ lab: name, hostNs: host, profile: resolveProfile({ docker: kind }), tools: { brctl: false }, stateDir: instanceDir(name) });
  const started = e.start();
  const runs = Array.from({ length: n }, (_, i) => e.run(`c${i + 1}`).ops).flat();
  return { ...model, steps: [{ ...model.steps[0]!, ops: [netnsAdd(host), linkUp(host, 'lo'), ...started.bridge, ...started.firewall] }, { ...model.steps[1]!, ops: runs }] };
}
for (const kind of ['raw', '27', '29', 'raw', '27', '29']) {
  const name = `se${kind}`;
  const model = variant(kind, name);
  const ops = model.steps.flatMap((s) => s.ops).length;
  const t = performance.now();
  await labUp(model, env, { containers: n }, runner);
  const ms = performance.now() - t;
  await labDown(name, runner);
  console.log(`${kind.padEnd(4)} N=${n} ops=${ops} up=${(ms / 1000).toFixed(2)} s`);
}
