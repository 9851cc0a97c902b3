import { renderCmd, type Cmd } from '../exec/command.js';
import type { Runner } from '../exec/runner.js';

/**
 * The same runner, telling `seen` each command it is handed before it runs: how the page
 * shows a long step's progress, command by command, without the lifecycle knowing of it.
 */
export function watched(runner: Runner, seen: (line: string) => void): Runner {
  const tell = (cmds: readonly Cmd[]) => cmds.forEach((c) => seen(renderCmd(c)));
  return {
    dryRun: runner.dryRun,
    run: (c, o) => (tell([c]), runner.run(c, o)),
    runBatch: (cmds) => (tell(cmds), runner.runBatch(cmds)),
    runEach: (cmds, o) => (tell(cmds), runner.runEach(cmds, o)),
    start: (c, o) => (tell([c]), runner.start(c, o)),
    attach: (c) => runner.attach(c),
    terminal: (c, size) => runner.terminal(c, size),
  };
}
