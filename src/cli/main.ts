import yargs, { type Argv } from 'yargs';
import { cleanCommand } from './commands/clean.js';
import { doctorCommand } from './commands/doctor.js';
import { downCommand } from './commands/down.js';
import { execCommand } from './commands/exec.js';
import { labCommand } from './commands/lab.js';
import { exerciseCommand } from './commands/exercise.js';
import { inspectCommand } from './commands/inspect.js';
import { diagramCommand } from './commands/diagram.js';
import { peersCommand } from './commands/peers.js';
import { whyCommand } from './commands/why.js';
import { traceCommand } from './commands/trace.js';
import { lsCommand } from './commands/ls.js';
import { runCommand } from './commands/run.js';
import { upCommand } from './commands/up.js';
import { verifyCommand } from './commands/verify.js';
import { versionsCommand } from './commands/versions.js';
import { compareCommand } from './commands/compare.js';
import { dockerCommand } from './commands/docker.js';
import { composeCommand } from './commands/compose.js';
import { makeAction, processIo, type GlobalArgs, type Io } from './context.js';

/** The CLI as a function: tests call it in-process; bin/nslab.ts calls it with process.argv. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code = 0;
  const action = makeAction(io, (c) => (code = c));
  const base = yargs([...argv])
    .scriptName('nslab')
    .usage('$0 <command>\n\nRebuild Docker networking by hand out of namespaces, veth pairs, bridges and iptables, and prove it with packets.')
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the commands as a shell script instead of running them' })
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'print every command as it runs' }) as unknown as Argv<GlobalArgs>;
  // yargs also exposes --dry-run as dryRun (camel-case expansion); the cast above says so.
  const parser = base
    .command(runCommand(action))
    .command(upCommand(action))
    .command(downCommand(action))
    .command(verifyCommand(action))
    .command(execCommand(action))
    .command(labCommand(action))
    .command(dockerCommand(action))
    .command(composeCommand(action))
    .command(lsCommand(action))
    .command(cleanCommand(action))
    .command(doctorCommand(action))
    .command(inspectCommand(action))
    .command(peersCommand(action))
    .command(diagramCommand(action))
    .command(whyCommand(action))
    .command(traceCommand(action))
    .command(exerciseCommand(action))
    .command(versionsCommand(action))
    .command(compareCommand(action))
    .demandCommand(1, 'name a command, e.g. `nslab run docker0`')
    .strict()
    .parserConfiguration({ 'populate--': true })
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false);
  await parser.parseAsync([...argv], {}, (err, _args, output) => {
    if (output) (err ? io.err : io.out)(`${output}\n`);
    if (err) code = 2;
  });
  return code;
}
