import { NslabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { validateLabName } from '../model/names.js';
import type { LabModel } from '../plan/lab.js';
import { namespaceNames } from '../kernel/netns-fs.js';
import { buildLab } from '../plan/build.js';
import { findLab } from '../plan/catalogue.js';
import { readManifest } from './state.js';

/**
 * The model of a lab built outside nslab, e.g. by running the script `nslab lab <id>
 * --name <name> --dry-run` printed. Names are a convention (nslab-<name>-<node>), so the
 * lab id and the instance name are enough to rebuild the model and check it by packets;
 * nothing is applied and no record is written. Its removal is by name: `nslab clean <name>`.
 */
export async function modelBuiltOutside(name: string, labId: string, runner: Runner): Promise<LabModel> {
  const def = findLab(labId);
  const model = buildLab(def, validateLabName(name));
  let recordedAs: string | undefined;
  try {
    recordedAs = readManifest(name).id;
  } catch {
    // No record: the usual case for a lab built by its script.
  }
  if (recordedAs !== undefined && recordedAs !== def.id) {
    throw new NslabError(`lab ${name} is up as lab ${recordedAs}, not ${def.id}`, { hint: `run \`nslab verify ${name}\` without --lab` });
  }
  const have = new Set(namespaceNames());
  const missing = Object.values(model.nodes).find((n) => n.ns !== undefined && !have.has(n.ns));
  if (missing) {
    throw new NslabError(`lab ${name} (${def.id}) is not built: namespace ${missing.ns} does not exist`, {
      hint: `build it first: \`nslab lab ${def.id} --name ${name} --dry-run | sudo bash\`, or \`nslab up ${def.id} --name ${name}\``,
    });
  }
  return model;
}
