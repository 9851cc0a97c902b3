import type { Argv } from 'yargs';
import { NslabError } from '../errors.js';
import type { LabDefinition, LabOptions } from '../plan/lab.js';
import { validateContainerCount } from '../model/lab-options.js';
import { DEFAULT_DOCKER, DOCKER_VERSIONS, FIREWALL_BACKENDS, resolveProfile } from '../docker/profile.js';

/** Options a lab may accept; each lab lists the ones it understands (LabDefinition.options). */
export interface LabOptionArgs {
  readonly subnet?: string | undefined;
  readonly containers?: number | undefined;
  readonly bridge?: string | undefined;
  readonly rootNs?: boolean | undefined;
  /** Taken only to say where -p belongs: no lab publishes ports of the user's. */
  readonly publish?: readonly string[] | undefined;
  readonly docker?: string | undefined;
  readonly firewall?: string | undefined;
  readonly userlandProxy?: boolean | undefined;
}

export function labOptions<T>(y: Argv<T>) {
  return y
    .option('subnet', { type: 'string', describe: 'container subnet, e.g. 172.30.0.0/16 (docker network create --subnet)' })
    .option('containers', { type: 'number', describe: 'how many containers to start (c1, c2, ...)' })
    .option('bridge', { type: 'string', describe: 'bridge interface name (com.docker.network.bridge.name)' })
    .option('root-ns', { type: 'boolean', describe: 'make the namespace nslab runs in the docker host (for a throwaway VM; refuses if docker0 exists)' })
    .option('publish', { alias: 'p', type: 'string', array: true, hidden: true })
    .option('docker', { type: 'string', describe: `the Docker version whose objects and rules to build: ${DOCKER_VERSIONS.join(', ')} (default ${DEFAULT_DOCKER})` })
    .option('firewall', { type: 'string', describe: `Docker 29's firewall backend: ${FIREWALL_BACKENDS.join(' or ')} (default iptables)` })
    .option('userland-proxy', { type: 'boolean', describe: "dockerd's --userland-proxy (default true); false: hairpin NAT instead of docker-proxy" });
}

const FLAGS: Readonly<Record<keyof LabOptionArgs, string>> = {
  subnet: '--subnet',
  containers: '--containers',
  bridge: '--bridge',
  rootNs: '--root-ns',
  publish: '-p',
  docker: '--docker',
  firewall: '--firewall',
  userlandProxy: '--userland-proxy',
};

/** Options every lab takes: which Docker it rebuilds. */
const EVERY_LAB = ['docker', 'firewall', 'userlandProxy'];

/**
 * The lab options the user gave, checked: values well-formed, and each one accepted by the
 * lab (an option silently ignored would build something other than what was asked).
 */
export function labOptionValues(def: LabDefinition, args: LabOptionArgs): LabOptions {
  // A docker habit: a lab's ports are its own (the ports lab publishes 8080:80 itself).
  if (args.publish?.length) throw new NslabError(`lab ${def.id} takes no -p`, { hint: 'a lab publishes the ports its story needs; to publish your own: nslab docker run -d -p 8080:80 nginx' });
  const given: Record<string, string | number | boolean> = {};
  if (args.subnet !== undefined) given.subnet = String(args.subnet);
  if (args.containers !== undefined) given.containers = validateContainerCount(args.containers, def.maxContainers);
  if (args.bridge !== undefined) given.bridge = String(args.bridge);
  if (args.rootNs) given.rootNs = true;
  if (args.docker !== undefined || args.firewall !== undefined) {
    // Checked here, so a bad value gets its one-line error before anything is built.
    const p = resolveProfile({ docker: args.docker, firewall: args.firewall });
    given.docker = p.docker;
    if (args.firewall !== undefined) given.firewall = p.firewall;
  }
  if (args.userlandProxy === false) given.userlandProxy = false;
  const accepted = def.options ?? {};
  for (const key of Object.keys(given).filter((k) => !EVERY_LAB.includes(k))) {
    if (!(key in accepted)) {
      const known = Object.keys(accepted).map((k) => FLAGS[k as keyof LabOptionArgs] ?? `--${k}`);
      throw new NslabError(`lab ${def.id} has no option ${FLAGS[key as keyof LabOptionArgs]}`, {
        hint: known.length ? `its options: ${known.join(', ')}` : `lab ${def.id} takes no options`,
      });
    }
  }
  return given;
}
