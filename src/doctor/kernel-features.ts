import type { Runner } from '../exec/runner.js';
import { probeLinkKinds } from '../kernel/link-kinds.js';
import type { Check } from './check.js';

// The link types nslab builds with, and what needs each.
const FEATURES: Readonly<Record<string, string>> = {
  veth: 'every container',
  bridge: 'docker0 and user-defined networks',
  vxlan: 'overlay networks',
  macvlan: 'macvlan networks',
};

/** Each link type tried for real in a throwaway namespace (see probeLinkKinds). */
export async function checkKernelFeatures(runner: Runner): Promise<Check[]> {
  let probed: Map<string, string | undefined>;
  try {
    probed = await probeLinkKinds(runner, Object.keys(FEATURES));
  } catch (err) {
    return [{ name: 'kernel features', status: 'fail', detail: `cannot create a namespace to test in: ${(err as Error).message}` }];
  }
  return Object.entries(FEATURES).map(([kind, usedBy]): Check => {
    const err = probed.get(kind);
    return err === undefined
      ? { name: `kernel: ${kind}`, status: 'ok', detail: `link type works (${usedBy})` }
      : { name: `kernel: ${kind}`, status: 'fail', detail: `${err}: labs using ${usedBy} cannot run` };
  });
}
