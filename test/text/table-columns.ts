import { displayWidth } from '../../src/text/width.js';

// Reads back the fixed-width tables in a command's output (a header, a rule of dashes, rows)
// and says where a row's cells do not start at their column, counted in terminal columns.

export function misaligned(text: string): string[] {
  const lines = text.split('\n');
  const bad: string[] = [];
  lines.forEach((rule, r) => {
    if (!/^\s*-+( {2}-+)+\s*$/.test(rule)) return;
    const starts = [...rule.matchAll(/-+/g)].map((m) => displayWidth(rule.slice(0, m.index)));
    for (let k = r + 1; k < lines.length && lines[k]!.trim() !== ''; k++) {
      const row = lines[k]!;
      // Where each display column of the row begins, in characters.
      const at: number[] = [];
      for (let i = 0, col = 0; i < row.length; i++) {
        at[col] = i;
        col += displayWidth(row[i]!);
      }
      for (const s of starts.slice(1)) {
        const i = at[s];
        // A cell starts at its column: two spaces before it (or the row ended earlier, its last cells empty).
        if (i !== undefined && !(row[i - 1] === ' ' && row[i - 2] === ' ')) {
          bad.push(`line ${k + 1}: no column break at display column ${s}: ${row}`);
          break;
        }
      }
    }
  });
  return bad;
}
