// Writes docs/labs/<lab>.md for every guided lab from the lab's own definition (its steps,
// their reasons and docker commands) and from a real `nslab run` on this machine (the picture
// and the verification table), so the pages say only what the code does and the kernel showed.
// Run as root: `npm run lab-docs`. The text to change lives in labs/<lab>.ts. Each page is
// written twice: docs/labs/<lab>.md in English, docs/labs/ko/<lab>.md in Korean (the same run
// in `--lang ko`, the lab's text from locales/ko.json).
import { writeFileSync } from 'node:fs';
import { capture } from './cli-capture.js';
import { main } from '../src/cli/main.js';
import type { LabDefinition, LabModel } from '../src/plan/lab.js';
import { detectEnv, buildLab } from '../src/plan/build.js';
import { allLabs } from '../src/plan/catalogue.js';
import { defaultInstanceName } from '../src/plan/lab.js';
import { mkdirSync } from 'node:fs';
import { localize, tr, useLanguage } from '../src/text/i18n.js';
import type { Language } from '../src/text/language.js';


/** Inline code; text holding a backtick needs double ones. */
const code = (d: string) => (d.includes('`') ? `\`\` ${d} \`\`` : `\`${d}\``);
const indent = (text: string) => text.split('\n').map((l) => `   ${l}`).join('\n');

/** What nslab prints even when it exits non-zero (why exits 1 when it finds a broken hop). */
async function said(...argv: string[]): Promise<string> {
  let out = '';
  await main(argv, { out: (t) => (out += t), err: (t) => (out += t) });
  return out.trimEnd();
}

/**
 * A problem lab's break and fix as a learner meets them: `why` right after the breaking step,
 * then the lab's trace once the fix stands, from a real run.
 */
async function breakAndFix(lab: LabDefinition, model: LabModel, lang: Language): Promise<string[]> {
  const at = model.steps.findIndex((s) => s.diagnose);
  const d = model.steps[at]?.diagnose;
  if (!d || !model.trace) return [];
  const name = model.name;
  const port = (p: number | undefined) => (p === undefined ? [] : ['--port', String(p)]);
  const profile = [...(lab.breaksUnder ?? []), '--lang', lang];
  const under = lab.breaksUnder ?? [];
  await capture('up', lab.id, '--step', String(at + 1), ...profile);
  try {
    const broken = await said('why', name, d.from, d.to, ...port(d.port));
    await capture('lab', lab.id, '--from', String(at + 2), '--yes', '--json', ...profile);
    const t = model.trace;
    const traced = await said('trace', name, t.from, t.to, ...port(t.port));
    const whyCmd = `nslab why ${name} ${d.from} ${d.to}${d.port === undefined ? '' : ` --port ${d.port}`}`;
    const traceCmd = `nslab trace ${name} ${t.from} ${t.to}${t.port === undefined ? '' : ` --port ${t.port}`}`;
    return [
      `## ${tr`The break, and the fix, by packets`}`,
      '',
      ...(under.length ? [tr`Under \`${under.join(' ')}\`, where the break shows.`, ''] : []),
      tr`After step ${at + 1}, \`${whyCmd}\` says:`,
      '',
      '```',
      broken,
      '```',
      '',
      tr`Once the fix stands, \`${traceCmd}\` (${localize(t.look)}):`,
      '',
      '```',
      traced,
      '```',
      '',
    ];
  } finally {
    await capture('down', name);
  }
}

// `npm run lab-docs -- firewall-bypass mtu` writes only those pages.
const only = process.argv.slice(2);
mkdirSync('docs/labs/ko', { recursive: true });
// The Korean index of the pages (the English one, docs/labs/README.md, is written by hand).
{
  const numbered = [...allLabs()].filter((l) => l.number !== undefined).sort((a, b) => a.number! - b.number!);
  useLanguage('ko');
  const rows = numbered.map((l) => `| ${l.number} | [${l.id}](${l.id}.md) | ${localize(l.title)} |`);
  writeFileSync('docs/labs/ko/README.md', ['# 가이드 랩', '', '[English](../README.md)', '', '글이 보여 주는 그림을 랩마다 하나씩 다시 만들고, 패킷으로 증명합니다. `nslab lab <id> --lang ko`가 한국어로 안내합니다.', '', '| # | 랩 | 무엇을 보여 주나 |', '|---|---|---|', ...rows, '', '<!-- `npm run lab-docs`가 만든 페이지: 랩을 고치세요. -->', ''].join('\n'));
}
for (const lang of ['en', 'ko'] as const) {
  for (const lab of allLabs().filter((l) => l.number !== undefined && (only.length === 0 || only.includes(l.id)))) {
    const model = buildLab(lab, defaultInstanceName(lab.id), {}, detectEnv());
    // Every capture names its language, so main() speaks it and leaves it spoken for this page's own words.
    const run = (await capture('run', lab.id, '--lang', lang)).trimEnd();
    const byVersion = lab.versions?.length ? [`## ${tr`By Docker version`}`, '', ...lab.versions.map((v) => `- **${v.in}**: ${localize(v.what)}`), '', tr`\`nslab versions ${lab.id}\` lists every rule that differs, each with why Docker changed it.`, ''] : [];
    const packets = await breakAndFix(lab, model, lang);
    const steps = model.steps.map((s, i) => {
      const docker = (s.docker ?? []).map((d) => `   ${code(localize(d))}`).join('\n');
      return `${i + 1}. **${localize(s.title)}**\n${indent(localize(s.why).replaceAll('\n', ' '))}\n${docker}`;
    });
    const other = lang === 'en' ? `[한국어](ko/${lab.id}.md)` : `[English](../${lab.id}.md)`;
    const page = [
      `# ${tr`Lab ${lab.number}, ${lab.id}: ${localize(lab.title)}`}`,
      '',
      other,
      '',
      `${localize(lab.summary)}.`,
      '',
      `${tr`Rebuilds:`} ${localize(lab.article ?? '').replaceAll('\n', ' ')}.`,
      '',
      `![${lab.id}](${lang === 'en' ? '..' : '../..'}/diagrams/${lab.id}.svg)`,
      '',
      tr`\`nslab lab ${lab.id}\` walks through these steps; \`nslab up ${lab.id} --dry-run\` prints every command they run.`,
      tr`\`nslab up ${lab.id} --step N\` stops after step N, \`nslab lab ${lab.id} --from N\` guides from it, \`nslab lab ${lab.id} --rewind N\` goes back to it.`,
      '',
      `## ${tr`Steps (Docker 29, iptables)`}`,
      '',
      ...steps.flatMap((s) => [s, '']),
      ...byVersion,
      ...packets,
      `## ${tr`A run`}`,
      '',
      tr`\`nslab run ${lab.id}\` on the machine this page was made on; \`[step N]\` rows are the checks that hold right after step N.`,
      tr`\`--docker 27\` or \`28\`, or \`--firewall nftables\`, builds what those versions build: \`nslab versions ${lab.id}\` shows the differences.`,
      '',
      '```',
      run,
      '```',
      '',
      `<!-- ${tr`Generated by \`npm run lab-docs\` from labs/${lab.id}.ts and a real run: edit the lab, not this page.`} -->`,
      '',
    ].join('\n');
    const file = lang === 'en' ? `docs/labs/${lab.id}.md` : `docs/labs/ko/${lab.id}.md`;
    writeFileSync(file, page);
    process.stdout.write(`wrote ${file}\n`);
  }
}
