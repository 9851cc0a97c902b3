import { existsSync, readFileSync } from 'node:fs';
import { NslabError } from '../errors.js';
import type { Runner } from '../exec/runner.js';
import { netnsEtcPath } from '../kernel/netns-fs.js';
import { namespaceNames } from '../kernel/netns-fs.js';
import type { DockerHostModel, LabModel } from '../plan/lab.js';
import type { Step } from '../plan/plan.js';
import { ensureImage, imageOfRun, realDocker } from './client.js';
import { shellWords as words } from '../model/shell-words.js';
import type { DockerHostSide } from './views.js';

// A lab held against a real dockerd: the docker commands its steps stand for, typed into the
// real one, and the lab as nslab built it read as a docker host (its engine knows the names
// and IDs; the kernel has the rest).

/** The docker commands a real dockerd can be given: what changes its networks and containers. */
const REPLAYED = /^docker (run|create|rm|network (create|connect|disconnect|rm))\b/;

/**
 * The docker lines of a lab's steps, as a user would type them into a real Docker: comments
 * dropped, `for i in $(seq N); do ...; done` unrolled, and a line shown at more than one step
 * (one docker command the lab takes in steps) typed once. Lines that are
 * not docker commands (`dockerd (on start)`, a note in parentheses) and the ones that change
 * nothing (exec) or need more than one engine (swarm, compose) are left out.
 */
export function labDockerLines(steps: readonly Step[]): string[] {
  const out: string[] = [];
  for (const step of steps) {
    for (const raw of step.dockerReplay ?? step.docker ?? []) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      // A step's replay is typed as given: compose's down and up may repeat a command.
      if (!step.dockerReplay && out.includes(line)) continue;
      const loop = /^for (\w+) in \$\(seq (\d+)\); do (.+); done$/.exec(line);
      if (loop) {
        const [, v, n, body] = loop as unknown as [string, string, string, string];
        for (let i = 1; i <= Number(n); i++) if (REPLAYED.test(body)) out.push(body.replaceAll(`$${v}`, String(i)));
      } else if (REPLAYED.test(line)) out.push(line);
    }
  }
  return out;
}

/** The lab as the judge reads a docker host: the containers whose namespaces exist now. */
export function labSide(name: string, docker: DockerHostModel): DockerHostSide {
  const live = new Set(namespaceNames());
  const present = [...docker.sandboxes.values()].filter((s) => live.has(s.ns));
  return {
    lab: name,
    containers: new Map(present.map((s) => [s.container, docker.containerId(s.container)])),
    networks: new Map([...docker.networks.values()].map((n) => [n.name, { id: n.id, bridge: n.bridge, driver: n.driver }])),
    namespaceOf: new Map(present.map((s) => [s.container, s.ns])),
    sharing: new Set(present.filter((s) => s.mode === 'host' || s.mode === 'container').map((s) => s.container)),
    file: (container, which) => {
      const ns = docker.sandboxes.get(container)?.ns;
      const path = ns && netnsEtcPath(ns, which);
      return path && existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    },
  };
}

/** A lab's docker host, or why it has none a real dockerd could be held against. */
export function dockerHostOf(model: LabModel): DockerHostModel {
  if (model.dockerHost) return model.dockerHost;
  throw new NslabError(`lab ${model.id} has no docker host of nslab's engine to hold against a real dockerd`, {
    hint: 'compare --real holds the labs that rebuild a docker host: docker0, egress, ports, dns, connect, modes, macvlan, incident, hostgw',
  });
}

export interface Replayed {
  readonly line: string;
  readonly code: number;
  readonly stderr: string;
}

/** Types the lines into the real dockerd, one by one, importing each image's stand-in first. */
export async function replay(runner: Runner, real: string, lines: readonly string[]): Promise<Replayed[]> {
  const out: Replayed[] = [];
  for (const line of lines) {
    const [, ...argv] = words(line);
    const image = imageOfRun(argv);
    if (image) await ensureImage(runner, real, image);
    const r = await realDocker(runner, real, argv);
    out.push({ line, code: r.exitCode, stderr: r.stderr.trim() });
  }
  return out;
}
