import { join } from 'node:path';
import { agentCmd } from '../agent/agent.js';
import { NslabError } from '../errors.js';
import { netnsEtcPath } from '../kernel/netns-fs.js';
import { nsName } from '../model/names.js';
import { dockerHost, hostStep, internetDnsStep, internetStep } from '../docker/host.js';
import type { Op } from '../ops/op.js';
import type { LabDefinition, LabOptions } from '../plan/lab.js';
import { REAL_ENGINES, type RealEngine } from './engines.js';
import { rootDir } from './roots.js';

// A real dockerd, recorded like a lab: its namespace and the daemon are ops with their undo in
// a journal, so `nslab down`, Ctrl-C, a rollback and `nslab clean` after a crash take it away
// as they take any lab. Its containers are dockerd's own business; stopping it stops them, and
// whatever a killed nslab left is found again by the names and the cgroup below.

export const REAL_ID = 'real-docker';

export function realEngineOf(options: LabOptions): RealEngine {
  const version = String(options.engine ?? '');
  const e = REAL_ENGINES.find((x) => x.version === version);
  if (!e) throw new NslabError(`no real dockerd ${version || '(none named)'}`, { hint: `the real engines: ${REAL_ENGINES.map((x) => x.version).join(', ')}` });
  return e;
}

/** Where the engine's pid, mount namespace and root are recorded once it listens. */
export const pidfileOf = (stateDir: string): string => join(stateDir, 'dockerd.json');
/** The cgroup its containers go under, per instance, so a leftover is found by name. */
export const cgroupOf = (name: string): string => `/nslab-${name}`;

function dockerdOp(name: string, stateDir: string, ns: string, e: RealEngine, pools: readonly string[], engineId?: string): Op {
  // Its address pools, where the lab says other networks hold some of Docker's defaults; its
  // engine ID, where the lab's engine has one to match (the ULA pool of --ipv6 derives from it).
  const poolArgs = [...(engineId ? [`--engine-id=${engineId}`] : []), ...pools.flatMap((p) => ['--default-address-pool', `base=${p},size=${p.split('/')[1]}`])];
  return {
    summary: `start a real dockerd ${e.version} in ${ns}, on an overlay of ${rootDir(e)}`,
    cmd: agentCmd(undefined, 'real-dockerd-start', pidfileOf(stateDir), ns, rootDir(e), join(stateDir, 'root'), cgroupOf(name), netnsEtcPath(ns, 'resolv.conf'), ...poolArgs),
    undo: agentCmd(undefined, 'real-dockerd-stop', pidfileOf(stateDir), cgroupOf(name), nsName(name, ''), ns, nsName(name, 'wan')),
    undoGone: 'process',
    // Not within the namespace: it must stop before the namespace goes, and its containers
    // live in namespaces of their own.
    within: [],
  };
}

export const realEngineLab: LabDefinition = {
  id: REAL_ID,
  title: 'A real dockerd, the judge',
  summary: 'a real dockerd (Debian docker.io) in namespaces of its own, which nslab is held against (nslab compare --real, nslab docker --real)',
  options: {
    engine: 'the docker.io version: 26.1.5 or 28.5.2',
    uplink: 'false: no uplink to the internet (as a lab without one)',
    internetDns: 'false: no DNS server on the internet (as a lab without one)',
    pools: "the address pools dockerd hands out, comma-separated (default: Docker's)",
    engineId: "its engine ID (default: a new one): the ULA pool of --ipv6 networks derives from it",
  },
  build(ctx) {
    const e = realEngineOf(ctx.options);
    // The docker host nslab's engine gets, step for step: its namespace and resolver, the
    // uplink to "the internet" and the internet's DNS server (where the lab held against it
    // has them). Only dockerd is real.
    const h = dockerHost({ ...ctx, options: { docker: e.profile } });
    const uplink = ctx.options.uplink !== false;
    const dns = uplink && ctx.options.internetDns !== false;
    return {
      id: REAL_ID,
      name: ctx.name,
      title: `A real dockerd ${e.version}`,
      nodes: uplink ? h.nodes : { host: h.nodes.host! },
      steps: [
        hostStep(h),
        ...(uplink ? [internetStep(h)] : []),
        ...(dns ? [internetDnsStep(h)] : []),
        {
          title: `dockerd ${e.version} starts`,
          why: "On an overlay of the cached Debian root, in a mount namespace of its own, with the docker host's resolv.conf as its /etc/resolv.conf.",
          docker: ['dockerd'],
          ops: [dockerdOp(ctx.name, ctx.stateDir, h.host!, e, typeof ctx.options.pools === 'string' ? ctx.options.pools.split(',') : [], typeof ctx.options.engineId === 'string' ? ctx.options.engineId : undefined)],
        },
      ],
      expectations: [],
    };
  },
};
