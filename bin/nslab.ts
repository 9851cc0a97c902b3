// The program: the CLI, given the labs. This is the one place that joins src/ (the toolkit)
// and labs/ (what it builds); bin/nslab runs it, and the bundle is built from it.
import { main } from '../src/cli/main.js';
import { useLabs } from '../src/plan/catalogue.js';

// `nslab ... | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

useLabs(async () => ({
  labs: (await import('../labs/index.js')).LABS,
  unlisted: [(await import('../src/sandbox/sandbox.js')).sandboxLab, (await import('../src/realdocker/engine-lab.js')).realEngineLab],
}));
process.exitCode = await main(process.argv.slice(2));
