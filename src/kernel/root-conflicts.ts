import { NslabError } from '../errors.js';
import { changesRoot, cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';
import { parseSubnet, subnetOf, subnetsOverlap, type Subnet } from '../model/ipam.js';
import type { Op } from '../ops/op.js';
import { parseIpAddr, parseIpRoute } from './ip-json.js';

/**
 * Ops that change the namespace nslab runs in (creating a namespace does not count, nor
 * writing a file: a namespace's /etc/netns files and the lab's state are no network's).
 */
export function rootOps(ops: readonly Op[]): Op[] {
  const files = (op: Op) => op.cmd.file !== 'ip' && (op.cmd.args[1] === 'write-file' || op.cmd.args[1] === 'remove-file');
  return ops.filter((op) => changesRoot(op.cmd) && !files(op));
}

/** The subnets root ops claim: addresses they assign and routes they add. */
function claimedSubnets(ops: readonly Op[]): Subnet[] {
  const out: Subnet[] = [];
  for (const op of ops) {
    const [verb, action, target] = op.cmd.args;
    if (op.cmd.file !== 'ip' || action !== 'add' || target === undefined || target === 'default') continue;
    if (verb === 'addr' || verb === 'route') {
      out.push(subnetOf(target));
    }
  }
  return out;
}

/**
 * Refuses a lab that would collide with what already lives in the root namespace: a link
 * of the same name (docker0 of a real Docker) or a route overlapping a subnet it would
 * use. Nothing is changed either way; a lab without root ops passes untouched.
 */
export async function assertRootFree(runner: Runner, ops: readonly Op[]): Promise<void> {
  const mine = rootOps(ops);
  if (mine.length === 0) return;
  const links = new Set(parseIpAddr((await runner.run(cmd('ip', ['-j', 'link', 'show']))).stdout).map((l) => l.name));
  for (const op of mine) {
    const dev = op.creates?.kind === 'link' && op.creates.ns === '' ? op.creates.dev : undefined;
    if (dev !== undefined && links.has(dev)) {
      throw new NslabError(`link ${dev} already exists in the root namespace and nslab did not create it`, {
        hint: dev === 'docker0' ? 'Docker owns it: stop Docker, pick another --bridge, or drop --root-ns to use the sandbox' : 'pick another name, or drop --root-ns to use the sandbox',
      });
    }
  }
  const routes = parseIpRoute((await runner.run(cmd('ip', ['-j', 'route', 'show']))).stdout).filter((r) => r.dst !== 'default');
  for (const subnet of claimedSubnets(mine)) {
    for (const r of routes) {
      const dst = r.dst.includes('/') ? r.dst : `${r.dst}/32`;
      if (subnetsOverlap(subnet, parseSubnet(dst))) {
        throw new NslabError(`subnet ${subnet.cidr} overlaps the route ${r.dst}${r.dev ? ` dev ${r.dev}` : ''} already in the root namespace`, {
          hint: 'choose another --subnet, or drop --root-ns to use the sandbox',
        });
      }
    }
  }
}
