import { NslabError } from '../errors.js';

// What one Docker engine version creates, as data: which firewall layout writes its rules,
// how it picks an endpoint's MAC, and the release that changed each. The layouts themselves
// live in src/docker/firewall/, one module per layout (moby's iptabler and nftabler).

export const DOCKER_VERSIONS = ['27', '28', '29'] as const;
export type DockerVersion = (typeof DOCKER_VERSIONS)[number];
export const FIREWALL_BACKENDS = ['iptables', 'nftables'] as const;
export type FirewallBackend = (typeof FIREWALL_BACKENDS)[number];

/** Docker's current release, and what `--docker` means when it is not given. */
export const DEFAULT_DOCKER: DockerVersion = '29';

export interface Profile {
  readonly docker: DockerVersion;
  readonly firewall: FirewallBackend;
  /** The release whose source and golden data this profile was checked against. */
  readonly checkedAgainst: string;
  /**
   * How bridge and macvlan endpoints get their MAC: 27 and older derive it from the IPv4
   * address (02:42:ac:11:00:02); 28.0 made it random (GenerateRandomMAC). Overlay endpoints
   * derive it from the IP in every version.
   */
  readonly endpointMac: 'from-ip' | 'random';
  /** dockerd's --userland-proxy (default true): docker-proxy serves what NAT cannot. */
  readonly userlandProxy: boolean;
}

const CHECKED: Readonly<Record<DockerVersion, string>> = {
  '27': 'moby v27.5.1 (libnetwork/drivers/bridge/setup_ip_tables_linux.go)',
  '28': 'moby v28.5.2 (integration/network/bridge/iptablesdoc/generated)',
  '29': 'moby docker-v29.7.2 (daemon/libnetwork/drivers/bridge/internal/{iptabler,nftabler}/testdata)',
};

export interface ProfileChoice {
  readonly docker?: string | number | undefined;
  readonly firewall?: string | undefined;
  readonly userlandProxy?: boolean | undefined;
}

/** The profile `--docker`, `--firewall` and `--userland-proxy` ask for, checked. */
export function resolveProfile(choice: ProfileChoice = {}): Profile {
  const docker = String(choice.docker ?? DEFAULT_DOCKER);
  if (!(DOCKER_VERSIONS as readonly string[]).includes(docker)) {
    throw new NslabError(`unknown Docker version ${JSON.stringify(docker)}`, { hint: `use --docker ${DOCKER_VERSIONS.join(', ')} (default ${DEFAULT_DOCKER})` });
  }
  const firewall = choice.firewall ?? 'iptables';
  if (!(FIREWALL_BACKENDS as readonly string[]).includes(firewall)) {
    throw new NslabError(`unknown firewall backend ${JSON.stringify(firewall)}`, { hint: `use --firewall ${FIREWALL_BACKENDS.join(' or ')} (default iptables)` });
  }
  const version = docker as DockerVersion;
  if (firewall === 'nftables' && version !== '29') {
    throw new NslabError(`Docker ${version} has no nftables backend`, { hint: 'it arrived in Docker 29 (--firewall-backend=nftables): use --docker 29 --firewall nftables' });
  }
  return {
    docker: version,
    firewall: firewall as FirewallBackend,
    checkedAgainst: CHECKED[version],
    endpointMac: version === '27' ? 'from-ip' : 'random',
    userlandProxy: choice.userlandProxy ?? true,
  };
}

/** `Docker 29 (iptables)`: how output names a profile. */
export function profileLabel(p: Profile): string {
  return `Docker ${p.docker} (${p.firewall}${p.userlandProxy ? '' : ', userland-proxy=false'})`;
}

/** Every profile, in the order `nslab versions` compares them. */
export function allProfiles(): Profile[] {
  return [resolveProfile({ docker: '27' }), resolveProfile({ docker: '28' }), resolveProfile({ docker: '29' }), resolveProfile({ docker: '29', firewall: 'nftables' })];
}
