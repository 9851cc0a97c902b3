/**
 * A command is data: a program, its arguments, and the network namespace it runs in.
 * Nothing here spawns; the runner does. Rendering and execution both go through
 * `toArgv`, so a dry-run script shows exactly what a real run executes.
 */
export interface Cmd {
  readonly file: string;
  readonly args: readonly string[];
  /** Network namespace (an `ip netns` name); undefined means the namespace nslab runs in. */
  readonly netns?: string | undefined;
  /**
   * It forks a process that outlives it (`setsid -f`): the fork inherits the command's
   * stdout and stderr, so they are not captured, or the command would seem to run until the
   * fork exits.
   */
  readonly leavesRunning?: true | undefined;
  /**
   * It needs only the network namespace (an fping of addresses): it is entered with
   * `nsenter --net`, which skips what `ip netns exec` adds (a mount namespace, /sys mounted
   * again, /etc/netns files over /etc) and what the kernel serialises of it.
   */
  readonly netOnly?: true | undefined;
}

export function cmd(file: string, args: readonly string[], netns?: string): Cmd {
  return netns === undefined ? { file, args } : { file, args, netns };
}

/** The argv that actually runs: `ip -n NS ...` for ip, `ip netns exec NS prog ...` for the rest. */
export function toArgv(c: Cmd): string[] {
  if (c.netns === undefined) return [c.file, ...c.args];
  if (c.file === 'ip') return ['ip', '-n', c.netns, ...c.args];
  if (c.netOnly) return ['nsenter', `--net=/run/netns/${c.netns}`, c.file, ...c.args];
  return ['ip', 'netns', 'exec', c.netns, c.file, ...c.args];
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A word the shell, and a batch file's tokenizer, read as it is: nothing to quote. */
export const isPlainWord = (word: string): boolean => SAFE.test(word);

/** Changes the namespace nslab runs in (creating or deleting a named namespace does not count). */
export const changesRoot = (c: Cmd): boolean => c.netns === undefined && !(c.file === 'ip' && c.args[0] === 'netns');

/** POSIX single-quote a word unless it is made only of characters the shell leaves alone. */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function renderCmd(c: Cmd): string {
  return toArgv(c).map(shellQuote).join(' ');
}
