// Regenerates docs/diagrams/<lab>.svg and prints the README's diagram section, for every
// lab in labs/index.ts: each is brought up under a throwaway name, drawn from the kernel
// with `nslab diagram`, and torn down. Run as root: `npm run diagrams`.
import { mkdirSync } from 'node:fs';
import { capture } from './cli-capture.js';
import { allLabs } from '../src/plan/catalogue.js';
import { defaultInstanceName } from '../src/plan/lab.js';


mkdirSync('docs/diagrams', { recursive: true });
const sections: string[] = [];
// `npm run diagrams -- mtu` draws only those labs.
const only = process.argv.slice(2);
for (const lab of allLabs().filter((l) => only.length === 0 || only.includes(l.id))) {
  const name = defaultInstanceName(lab.id);
  try {
    await capture('up', lab.id, '--name', name);
  } catch (err) {
    // One lab that cannot come up on this machine should not cost the others their picture.
    process.stderr.write(`skipped ${lab.id}: ${(err as Error).message}\n`);
    continue;
  }
  try {
    const text = await capture('diagram', name, '--svg', `docs/diagrams/${lab.id}.svg`);
    const shown = `${text.replace(/\nwrote .*\n$/, '').trimEnd()}\n`;
    sections.push(`### ${lab.id}: ${lab.title}\n\n![${lab.id}](docs/diagrams/${lab.id}.svg)\n\n\`\`\`\n${shown}\`\`\`\n`);
  } finally {
    await capture('down', name);
  }
}
process.stdout.write(sections.join('\n'));
