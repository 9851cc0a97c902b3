export interface PingSummary {
  readonly transmitted: number;
  readonly received: number;
  readonly rttMs?: number | undefined;
  /** The first error line ping printed (unreachable, connect failures), if any. */
  readonly error?: string | undefined;
}

/** Parses iputils `ping` output, run with LANG=C. */
export function parsePing(stdout: string, stderr = ''): PingSummary {
  const stats = /(\d+) packets transmitted, (\d+) received/.exec(stdout);
  const rtt = /rtt min\/avg\/max\/mdev = [\d.]+\/([\d.]+)\//.exec(stdout);
  const errorLine =
    stderr.split('\n').find((l) => l.trim() !== '') ??
    stdout.split('\n').find((l) => /Unreachable|Prohibited|Redirect|Time to live exceeded/i.test(l));
  return {
    transmitted: stats ? Number(stats[1]) : 0,
    received: stats ? Number(stats[2]) : 0,
    rttMs: rtt ? Number(rtt[1]) : undefined,
    error: errorLine?.replace(/^ping: /, '').trim(),
  };
}
