// `npm run bench`: nslab against the fastest hand-written equivalent, on this machine.
// For each N: setup vs a raw `ip -batch` script of the same topology, full-mesh
// verification vs sequential ping, teardown; and `nslab --help` start-up. Whole processes,
// several repetitions, median, nslab and baseline interleaved so load hits both alike.
// `--quick`: one tiny size, one repetition (a kernel test runs it to prove the script works).
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { scaleLab } from '../labs/scale.js';
import { GC_KEYS, neighboursNeeded, type GcThresholds } from '../src/doctor/neigh.js';
import { buildLab } from '../src/lifecycle/lifecycle.js';
import { rawIpBatchScript, rawTeardownScript } from './bench/baseline.js';
import { median, mustTime, namespacesOf, NSLAB, ROOT, sequentialPing, sh, timed } from './bench/measure.js';
import { renderSizes, renderTargets, type SizeResult, type Target } from './bench/report.js';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    reps: { type: 'string' },
    out: { type: 'string', default: join(ROOT, 'bench-results', 'latest.json') },
  },
});
const sizes = (opts.sizes ?? (opts.quick ? '3' : '10,50,100,200')).split(',').map(Number);
const reps = Number(opts.reps ?? (opts.quick ? 1 : 3));
const lab = `bench${process.pid.toString(36)}`;
const work = mkdtempSync(join(tmpdir(), 'nslab-bench-'));
const env = { ...process.env, NSLAB_STATE_DIR: join(work, 'state') };
const log = (line: string) => process.stderr.write(`${line}\n`);

if (process.getuid?.() !== 0) throw new Error('the benchmark builds real namespaces: run it as root');

// The bundle is nslab's fast start path (bin/nslab uses it while it is current).
mustTime('node', [join(ROOT, 'scripts', 'build.mjs')]);

// A full mesh of N needs about N*(N-1) neighbour entries; the kernel's default limit
// (1024) holds 31 containers. Raised for the run if needed, restored at the end.
const gcSysctl = (k: string) => `net.ipv4.neigh.default.${k}`;
// Outside the machine's initial network namespace the limits are not visible (nor settable).
const gcVisible = existsSync('/proc/sys/net/ipv4/neigh/default/gc_thresh3');
const savedGc = (gcVisible ? Object.fromEntries(GC_KEYS.map((k) => [k, Number(sh('sysctl', '-n', gcSysctl(k)).trim())])) : {}) as GcThresholds;
const need = neighboursNeeded(Math.max(...sizes));
const raiseGc = gcVisible && need > savedGc.gc_thresh3;
if (!gcVisible) log(`the neighbour limits are not visible in this network namespace; a mesh past ~31 containers may lose packets`);

function bench(n: number): SizeResult {
  const model = buildLab(scaleLab, lab, { containers: n }, { brctl: false });
  const upScript = join(work, `raw-up-${n}.sh`);
  const downScript = join(work, `raw-down-${n}.sh`);
  writeFileSync(upScript, rawIpBatchScript(model));
  writeFileSync(downScript, rawTeardownScript(model));
  const pairs = n * (n - 1);
  const t = { nslabUp: [] as number[], rawUp: [] as number[], verify: [] as number[], down: [] as number[], rawDown: [] as number[] };
  let allPassed = true;
  let leftover = 0;
  let seq = { seconds: 0, measured: 0, failed: 0 };
  for (let rep = 0; rep < reps; rep++) {
    t.rawUp.push(mustTime('sh', [upScript]));
    t.rawDown.push(mustTime('sh', [downScript]));
    t.nslabUp.push(mustTime(NSLAB, ['up', 'scale', '--containers', String(n), '--name', lab], env));
    const v = timed(NSLAB, ['verify', lab, '--json'], env);
    t.verify.push(v.seconds);
    allPassed &&= v.code === 0;
    if (rep === 0) {
      const mesh = model.expectations.flatMap((e) => (e.probe.kind === 'ping' ? [{ fromNs: model.nodes[e.probe.from]!.ns!, to: e.probe.to }] : []));
      seq = sequentialPing(mesh, Math.min(pairs, opts.quick ? 6 : 150));
    }
    t.down.push(mustTime(NSLAB, ['down', lab], env));
    leftover = Math.max(leftover, namespacesOf(lab).length);
  }
  const r: SizeResult = {
    containers: n,
    pairs,
    setup: { nslab: median(t.nslabUp), raw: median(t.rawUp), ratio: median(t.nslabUp) / median(t.rawUp) },
    verify: { nslab: median(t.verify), sequential: seq.seconds, sequentialMeasuredPairs: seq.measured, speedup: seq.seconds / median(t.verify), allPassed: allPassed && seq.failed === 0 },
    teardown: { nslab: median(t.down), raw: median(t.rawDown), leftover },
  };
  log(`N=${n}: ${JSON.stringify(r)}`);
  return r;
}

/**
 * What a picture and a trace cost on a docker0 lab: `diagram --svg` against `diagram` (the
 * same reading of the kernel, without layout), after one warm-up run that compiles the layout
 * engine's code cache as the first picture of a boot does; and `trace c1 -> the internet`.
 */
function picturesAndTrace(): { text: number; svg: number; svgAdded: number; firstSvg: number; trace: number } {
  const name = `${lab}d`;
  mustTime(NSLAB, ['up', 'docker0', '--name', name], env);
  try {
    const file = join(work, 'docker0.svg');
    const firstSvg = mustTime(NSLAB, ['diagram', name, '--svg', file], env);
    const text: number[] = [];
    const svg: number[] = [];
    const trace: number[] = [];
    for (let rep = 0; rep < Math.max(3, reps); rep++) {
      text.push(mustTime(NSLAB, ['diagram', name], env));
      svg.push(mustTime(NSLAB, ['diagram', name, '--svg', file], env));
      trace.push(mustTime(NSLAB, ['trace', name, 'c1', '203.0.113.10'], env));
    }
    return { text: median(text), svg: median(svg), svgAdded: median(svg) - median(text), firstSvg, trace: median(trace) };
  } finally {
    timed(NSLAB, ['down', name], env);
  }
}

let results: SizeResult[] = [];
let help: number[] = [];
let pictures: ReturnType<typeof picturesAndTrace> | undefined;
try {
  if (raiseGc) {
    log(`raising ${gcSysctl('gc_thresh2')}/3 for a mesh of ${Math.max(...sizes)} (${need} entries); restored at the end`);
    sh('sysctl', '-w', `${gcSysctl('gc_thresh2')}=${Math.max(savedGc.gc_thresh2, need)}`, `${gcSysctl('gc_thresh3')}=${2 * need}`);
  }
  help = Array.from({ length: Math.max(5, reps) }, () => mustTime(NSLAB, ['--help']));
  if (!opts.quick) pictures = picturesAndTrace();
  results = sizes.map(bench);
} finally {
  if (raiseGc) sh('sysctl', '-w', ...GC_KEYS.map((k) => `${gcSysctl(k)}=${savedGc[k]}`));
  timed(NSLAB, ['clean', lab], env);
}

const at = (n: number) => results.find((r) => r.containers === n);
const targets: Target[] = [];
const add = (what: string, limit: string, value: number | undefined, max: number, unit: (v: number) => string) => {
  if (value !== undefined) targets.push({ what, limit, measured: unit(value), met: value <= max });
};
const sec = (v: number) => `${v.toFixed(2)} s`;
add('setup N=200 vs raw ip -batch', '<= 1.30x', at(200)?.setup.ratio, 1.3, (v) => `${v.toFixed(2)}x`);
add('full-mesh verification N=50 (2,450 pairs)', '<= 1.50 s', at(50)?.verify.nslab, 1.5, sec);
add('teardown N=200, nothing left', '<= 1.00 s', at(200) && (at(200)!.teardown.leftover === 0 ? at(200)!.teardown.nslab : Infinity), 1.0, sec);
add('nslab --help start-up', '<= 0.50 s', median(help), 0.5, sec);
add('diagram --svg of docker0: time added to the command', '<= 0.30 s', pictures?.svgAdded, 0.3, sec);
add('trace docker0 c1 -> 203.0.113.10, whole command', '< 2.00 s', pictures?.trace, 2, sec);

const machine = { kernel: release(), cpus: cpus().length, loadavg: loadavg().map((l) => Number(l.toFixed(2))), node: process.version };
const report = { date: new Date().toISOString(), machine, reps, helpSeconds: median(help), pictures, sizes: results, targets };
mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(
  `nslab benchmark (${reps} repetition(s), median; kernel ${machine.kernel}, ${machine.cpus} CPUs, load ${machine.loadavg.join(' ')})\n\n` +
    `${renderSizes(results)}\n\nnslab --help: ${sec(median(help))}\n` +
    (pictures ? `docker0 picture: diagram ${sec(pictures.text)}, diagram --svg ${sec(pictures.svg)} (first of the boot ${sec(pictures.firstSvg)}); trace ${sec(pictures.trace)}\n` : '') +
    `\n${renderTargets(targets)}\n\nwritten to ${opts.out}\n`,
);
process.exitCode = results.every((r) => r.verify.allPassed && r.teardown.leftover === 0) ? 0 : 1;
