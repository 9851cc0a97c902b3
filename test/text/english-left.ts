// Finds English prose left in a Korean guided run. What stays as it is, by design, is taken
// out first: the commands (each step's, the docker command it stands for, `nslab ...`
// suggestions), what the kernel and tools printed (a step's look-around output, the picture,
// the trace's captured hops), code spans and quoted names. What remains must be Korean; a run
// of English words with a function word among them is a sentence someone forgot to translate.

const FUNCTION_WORDS = new Set('the a an is are was to of and in on by for from with its it not no this that has have be or as at into out only which what when where who how does do can cannot there their'.split(' '));

/** Lines of `text` that still hold English prose, with their line numbers. */
export function englishLeft(text: string): string[] {
  const lines = text.split('\n');
  const left: string[] = [];
  let verbatimIndent = -1;
  for (const [n, raw] of lines.entries()) {
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    // A block of commands or of printed output: everything indented under its header.
    if (verbatimIndent >= 0 && (indent >= verbatimIndent || line === '')) continue;
    verbatimIndent = -1;
    if (/^(명령 \(root로|살펴보기:)/.test(line) || /^\$ /.test(line)) {
      verbatimIndent = indent + (line.startsWith('$ ') ? 2 : 1);
      continue;
    }
    // The picture: boxes and wires drawn with box-drawing characters.
    if (/[│┌└├─╌┄]/.test(line)) continue;
    let prose = line
      // A row of a verification table: what follows its outcome is what the probe saw (kernel, tool, server).
      .replace(/(성립함|성립 안 함|도달함|도달 못 함)\s.*$/, '$1')
      .replace(/`[^`]*`/g, ' ')
      // What the kernel and nslab's in-namespace agent say about a probe, and what a server answered.
      .replace(/\b(connect|sendto|ping|recvfrom): [A-Z][a-z]+( [a-z]+)*/g, ' ')
      .replace(/\bno answer within \d+ ms\b/g, ' ')
      .replace(/\bHTTP \d{3}: .*/, ' ')
      // Names and numbers: addresses, MACs, interface names, hashes (anything with a digit in it),
      // host and file names, a command's options, and the kernel's words in capitals (FORWARD, SYN).
      .replace(/\S*\d\S*/g, ' ')
      .replace(/\S+\.\S+/g, ' ')
      .replace(/(^|\s)-\S+/g, ' ')
      .replace(/\b[A-Z][A-Z_-]+\b/g, ' ')
      .replace(/^docker: (?!\().*/, '')
      .replace(/^(\$ )?nslab \S+( \S+)*?(?=\s+#|$)/, '')
      .replace(/"[^"]*"/g, ' ')
      .replace(/\b(?:[a-z0-9-]+\/)+[a-z0-9#-]+\b/gi, ' ');
    // A trace's captured hop: "  3. host eth0 out  198.51.100.2 > 203.0.113.10  echo request (+0.1 ms)".
    if (/^\d+\. \S+ \S+ (in|out)\b/.test(line) || /^(MASQUERADE|DNAT|SNAT|un-DNAT|un-SNAT|TCPMSS): /.test(line)) prose = '';
    const words = prose.split(/[^A-Za-z']+/).filter(Boolean);
    for (let i = 0; i + 3 < words.length + 1; i++) {
      const run = words.slice(i, i + 4);
      if (run.length < 4) break;
      // Four words in a row, in one stretch of English (no Korean between them), one a function word.
      const stretch = new RegExp(run.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join("[^A-Za-z'가-힣]+"));
      if (run.some((w) => FUNCTION_WORDS.has(w.toLowerCase())) && stretch.test(prose)) {
        left.push(`${n + 1}: ${line}`);
        break;
      }
    }
  }
  return left;
}
