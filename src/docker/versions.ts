import { say } from '../text/say.js';
import { defaultInstanceName, type LabDefinition, type LabEnv, type VersionNote } from '../plan/lab.js';
import { buildLab } from '../plan/build.js';
import { planOps } from '../plan/plan.js';
import { iptablesListing } from './firewall/iptables-listing.js';
import { nftListing } from './firewall/nftables-listing.js';
import { parseRuleListing } from '../kernel/iptables-save.js';
import { DOCKER_VERSIONS, type DockerVersion } from './profile.js';

// `nslab versions <lab>`: what the lab's docker host holds under each Docker version, and why
// the versions differ. Rendered from the plans (nothing is built), with the same listings the
// golden tests hold against moby's and the kernel tests against the kernel.

export interface VersionRow {
  readonly table: string;
  readonly rule: string;
  /** Which versions write it. */
  readonly in: readonly DockerVersion[];
  /** One line on why Docker changed it. */
  readonly why: string;
}

export interface VersionsReport {
  readonly lab: string;
  readonly rows: readonly VersionRow[];
  /** Rules every version writes alike. */
  readonly same: number;
  readonly macs: Readonly<Record<DockerVersion, readonly string[]>>;
  /** Docker 29 with --firewall nftables: the table's chains. */
  readonly nftChains: readonly string[];
  /** What the lab shows differently by version, in its own words (LabDefinition.versions). */
  readonly notes: readonly VersionNote[];
}

const WHY: readonly [RegExp, string][] = [
  [/DOCKER-USER -j RETURN/, say`27 ends DOCKER-USER in RETURN; 28.2.2 leaves it empty for the admin`],
  [/DOCKER-ISOLATION-STAGE/, say`up to 28, two isolation stages keep bridges apart; 29 removed them (moby#49981)`],
  [/DOCKER-INTERNAL/, say`29 gives --internal networks a chain of their own, DOCKER-INTERNAL`],
  [/DOCKER-FORWARD|DOCKER-CT|DOCKER-BRIDGE/, say`28.0.1 moved each network's rules out of FORWARD into DOCKER-FORWARD, DOCKER-CT and DOCKER-BRIDGE`],
  [/^-A FORWARD .*-[io] /, say`27 writes each network's rules straight into FORWARD`],
  [/^-A DOCKER -i \S+ -j RETURN/, say`29 dropped nat DOCKER's RETURN for a bridge's own traffic`],
  [/^-A PREROUTING -d 127\.\S+ ! -i lo .*-j DROP/, say`28.0 drops packets for a port published on a loopback address that do not come in by lo (moby#45610)`],
  [/^-A PREROUTING -d \S+\/32 ! -i \S+ -j DROP/, say`28.2 drops packets routed to a container from outside its bridge (raw PREROUTING)`],
  [/^-A DOCKER ! -i (\S+) -o \1 -j DROP/, say`28.0 drops what enters a bridge from outside unless a port is published`],
  [/^-A POSTROUTING -s (\S+) -d \1 /, say`27 always adds the hairpin MASQUERADE; 28 only with --userland-proxy=false`],
  [/^-P (PREROUTING|OUTPUT) ACCEPT$/, say`the raw table is in use from 28.2, for the direct-access DROP`],
];

const whyOf = (rule: string): string => WHY.find(([re]) => re.test(rule))?.[1] ?? '';

export function versionsOf(def: LabDefinition, env: LabEnv, name = defaultInstanceName(def.id)): VersionsReport {
  const present = new Map<string, Set<DockerVersion>>();
  const macs = {} as Record<DockerVersion, string[]>;
  for (const docker of DOCKER_VERSIONS) {
    const model = buildLab(def, name, { docker }, env);
    const host = model.nodes.host?.ns;
    const ops = planOps(model.steps);
    const listing = parseRuleListing(iptablesListing(ops, host));
    for (const [table, rules] of Object.entries(listing)) {
      for (const rule of rules) {
        const key = `${table}\t${rule}`;
        if (!present.has(key)) present.set(key, new Set());
        present.get(key)!.add(docker);
      }
    }
    macs[docker] = ops.flatMap((op) => {
      const at = op.cmd.args.indexOf('address');
      return op.cmd.file === 'ip' && op.cmd.args.includes('veth') && at >= 0 ? [op.cmd.args[at + 1]!] : [];
    });
  }
  const rows: VersionRow[] = [];
  let same = 0;
  for (const [key, versions] of present) {
    if (versions.size === DOCKER_VERSIONS.length) {
      same++;
      continue;
    }
    const [table = '', rule = ''] = key.split('\t');
    rows.push({ table, rule, in: DOCKER_VERSIONS.filter((v) => versions.has(v)), why: whyOf(rule) });
  }
  const nft = buildLab(def, name, { docker: '29', firewall: 'nftables' }, env);
  const nftChains = nftListing(planOps(nft.steps), nft.nodes.host?.ns)
    .split('\n')
    .flatMap((l) => (/^\tchain (\S+) \{$/.exec(l)?.[1] ? [/^\tchain (\S+) \{$/.exec(l)![1]!] : []));
  return { lab: def.id, rows, same, macs, nftChains, notes: def.versions ?? [] };
}
