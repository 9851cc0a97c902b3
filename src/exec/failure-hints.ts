import type { CmdResult } from './runner.js';

// What the kernel's terse answers mean for someone building a lab, and what to do about it.
// Matched on the failing command's own stderr, so "File exists" from `ip` is not read into
// an iptables message that happens to say the same words.
const HINTS: readonly { file?: string; re: RegExp; hint: string }[] = [
  { file: 'ip', re: /File exists/i, hint: 'something by that name or address is already there: `nslab ls` and `nslab clean` show and remove what an earlier lab left, or pick another --name' },
  { re: /Operation not permitted|Permission denied/i, hint: 'this needs root (run it with sudo), and a kernel that lets this namespace change the setting' },
  { file: 'ip', re: /Cannot find device/i, hint: 'the link is not in that namespace: it was never made, or a step that moves it has not run (see `nslab inspect`)' },
  { file: 'ip', re: /mount --make-rslave|remount|mount of \/sys failed/i, hint: '`ip netns exec` cannot remount / here (a chroot?): bind-mount the root onto itself first (`mount --bind / /`)' },
  { file: 'ip', re: /Network is unreachable|Nexthop has invalid gateway/i, hint: 'the gateway is not on any subnet of that namespace yet: give the link its address before the route' },
  { re: /No chain\/target\/match by that name|Couldn't load (match|target)/i, hint: 'this kernel or iptables lacks that module: `nslab doctor` says which; try --firewall nftables' },
  { file: 'sysctl', re: /cannot stat/i, hint: 'that setting does not exist on this kernel or in this namespace' },
];

/** A sentence a learner can act on for what `file` printed on failing, if one is known. */
export function hintFor(file: string, stderr: string): string | undefined {
  return HINTS.find((h) => (h.file === undefined || h.file === file) && h.re.test(stderr))?.hint;
}

export const failureHint = (result: CmdResult): string | undefined => hintFor(result.cmd.file, result.stderr);

/** A failure's whole stderr on one line: the cause is often not its last line. */
export const stderrOneLine = (stderr: string): string =>
  stderr
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' / ');
