// Builds the bundle, dist/current/nslab.mjs and its chunks: nslab and most of its dependencies
// as ES modules, so bin/nslab starts without compiling TypeScript: ~0.1 s instead of ~0.45 s
// through tsx. The in-namespace agent is plain JavaScript run as its own file, from src/agent/
// (agent.ts says why).
// Each build goes to a directory of its own and dist/current is switched to it in one rename:
// an nslab already running keeps loading its chunks from the build it started with, and two
// builds at once (bin/nslab rebuilds a stale bundle) never mix their files.
import { mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// string-width (three copies, under yargs' help renderer) does its work when it is loaded: an
// Intl.Segmenter (15 ms of ICU data) and Unicode-property regular expressions (10 ms more),
// at every start, for help text most commands never render. In the bundle its module body
// runs on the first string measured instead; nothing else of it changes.
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const lines = readFileSync(args.path, 'utf8').split('\n');
      const imports = lines.filter((l) => l.startsWith('import '));
      const body = lines.filter((l) => !l.startsWith('import ')).join('\n');
      if (!body.includes('export default function stringWidth(')) return undefined;
      const contents = [
        ...imports,
        `function load() {\n${body.replace('export default function stringWidth(', 'function stringWidth(')}\nreturn stringWidth;\n}`,
        'let loaded;',
        'export default function lazyStringWidth(...args) { return (loaded ??= load())(...args); }',
      ].join('\n');
      return { contents, loader: 'js' };
    });
  },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const builds = join(dist, 'builds');
const name = `${Date.now().toString(36)}-${process.pid}`;
const out = join(builds, name);
mkdirSync(builds, { recursive: true });
await build({
  entryPoints: [join(root, 'bin/nslab.ts')],
  outdir: out,
  outExtension: { '.js': '.mjs' },
  // Each command is a chunk of its own (main.ts imports the one asked for), so a command
  // parses only what it uses. Chunks sit beside the entry: agent.ts finds agent.mjs by its
  // own URL, and createRequire resolves node_modules from there.
  splitting: true,
  chunkNames: '[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // pino is CommonJS with runtime requires and execa resolves its own helpers at run time:
  // both stay in node_modules; the rest (yargs is ~60 small ES modules) is inlined, which
  // saves most of the module loading at start.
  // elkjs (the diagram layout engine, 1.5 MB) is imported only by `diagram --svg`: kept out
  // so every other command does not parse it at start.
  external: ['pino', 'elkjs', 'fastify', '@fastify/websocket', '@lydell/node-pty'],
  // yaml and ajv are CommonJS that require Node built-ins ('process', 'url'); an ES module
  // has no require of its own, so the bundle gets one, or those requires throw at load.
  banner: { js: "import { createRequire as __nslabRequire } from 'node:module'; const require = __nslabRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [lazyStringWidth],
});

// Switch dist/current to this build, then drop all but it and the one before it.
let previous;
try {
  previous = readlinkSync(join(dist, 'current'));
} catch {
  previous = undefined;
}
const link = join(dist, `.current-${process.pid}`);
rmSync(link, { force: true });
symlinkSync(join('builds', name), link);
renameSync(link, join(dist, 'current'));
for (const b of readdirSync(builds)) {
  if (b !== name && join('builds', b) !== previous) rmSync(join(builds, b), { recursive: true, force: true });
}
