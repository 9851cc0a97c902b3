import { describe, expect, it } from 'vitest';
import { table } from '../../../src/text/table.js';
import { displayWidth } from '../../../src/text/width.js';

describe('tables in Korean', () => {
  it('measures a Hangul syllable as two columns', () => {
    expect(displayWidth('통과')).toBe(4);
    expect(displayWidth('PASS')).toBe(4);
    expect(displayWidth('c1 -> 게이트웨이 172.17.0.1')).toBe(27);
  });

  it('lines up every column whatever mix of Korean and ASCII its rows have', () => {
    const t = table(['', '기대', 'outcome'], [['통과', 'c1 -> 게이트웨이 172.17.0.1', '도달함'], ['FAIL', 'wan -> c1', 'reached']]);
    const lines = t.split('\n');
    // Each column starts at the same display column on every line.
    const starts = (line: string, cell: string) => displayWidth(line.slice(0, line.indexOf(cell)));
    expect(starts(lines[0]!, 'outcome')).toBe(starts(lines[2]!, '도달함'));
    expect(starts(lines[2]!, '도달함')).toBe(starts(lines[3]!, 'reached'));
    expect(starts(lines[2]!, 'c1 ->')).toBe(starts(lines[3]!, 'wan'));
    expect(displayWidth(lines[1]!)).toBe(Math.max(...lines.map(displayWidth)));
  });
});
