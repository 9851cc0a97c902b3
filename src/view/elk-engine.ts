import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { stateDir } from '../state-dir.js';

// ELK (elkjs) is 1.5 MB of compiled Java. Through import() Node takes ~0.4 s to compile it,
// more than a picture may add to a command (0.3 s). Compiled here with V8's code cache,
// kept under the state directory (/run: once per boot), it loads in ~30 ms after the first
// time. Only `diagram --svg` (and trace's picture) load it at all.

export interface ElkEngine {
  layout<T>(graph: T): Promise<T>;
}

const here = () => createRequire(process.env.NSLAB_ROOT ? join(process.env.NSLAB_ROOT, 'package.json') : import.meta.url);

function cacheFile(version: string): string {
  return join(stateDir(), 'cache', `elkjs-${version}-node-${process.version}.v8`);
}

function compile(): { engine: ElkEngine; script: vm.Script; cache: string; cached: boolean } {
  const require = here();
  const file = require.resolve('elkjs/lib/elk.bundled.js');
  const version = (require('elkjs/package.json') as { version: string }).version;
  const cache = cacheFile(version);
  const cachedData = existsSync(cache) ? readFileSync(cache) : undefined;
  // The same wrapper Node gives a CommonJS file, so the bundle's `module.exports` lands here.
  const script = new vm.Script(`(function (module, exports, require) {${readFileSync(file, 'utf8')}\n})`, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const mod = { exports: {} as { default?: new () => ElkEngine } };
  (script.runInThisContext() as (m: typeof mod, e: object, r: NodeJS.Require) => void)(mod, mod.exports, createRequire(file));
  const Elk = mod.exports.default!;
  return { engine: new Elk(), script, cache, cached: cachedData !== undefined && !script.cachedDataRejected };
}

let loaded: ReturnType<typeof compile> | undefined;
let saved = false;

/** The layout engine, compiled on first use. */
export function elkEngine(): ElkEngine {
  loaded ??= compile();
  return loaded.engine;
}

/**
 * After a first layout, keep the compiled code (it now holds the functions that layout ran)
 * for the next process. A cache that cannot be written costs speed, never a picture.
 */
export function keepCompiledElk(): void {
  if (!loaded || loaded.cached || saved) return;
  saved = true;
  try {
    mkdirSync(join(stateDir(), 'cache'), { recursive: true });
    const tmp = `${loaded.cache}.${process.pid}`;
    writeFileSync(tmp, loaded.script.createCachedData());
    renameSync(tmp, loaded.cache);
  } catch {
    // read-only /run, or a race with another nslab: the next one tries again
  }
}
