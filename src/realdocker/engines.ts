import { NslabError } from '../errors.js';
import type { DockerVersion } from '../docker/profile.js';

// The real dockerds nslab is held against: Debian's own docker.io, the one each reachable
// suite carries. Docker 27 is judged against 26.1.5, the nearest engine Debian has (27's data
// plane is 26's: the classic iptables layout; the differences moby documents are listed in the
// README's fidelity table); 28 against 28.5.2. No Debian suite carries 29: it stays judged by
// moby's golden files.

export interface RealEngine {
  /** docker.io's upstream version. */
  readonly version: string;
  /** The nslab profile it judges. */
  readonly profile: DockerVersion;
  readonly suite: 'trixie' | 'sid';
  /** Options for apt in mmdebstrap: sid's Release file here is past its Valid-Until date. */
  readonly aptopts: readonly string[];
}

export const REAL_ENGINES: readonly RealEngine[] = [
  { version: '26.1.5', profile: '27', suite: 'trixie', aptopts: [] },
  { version: '28.5.2', profile: '28', suite: 'sid', aptopts: ['Acquire::Check-Valid-Until "false"'] },
];

export function realEngineFor(profile: DockerVersion): RealEngine {
  const e = REAL_ENGINES.find((x) => x.profile === profile);
  if (!e) {
    throw new NslabError(`no real dockerd judges Docker ${profile}: no Debian suite carries it`, {
      hint: `--real holds --docker 27 against a real 26.1.5 and --docker 28 against a real 28.5.2; Docker 29 is held against moby's golden files (\`npm test\`)`,
    });
  }
  return e;
}
