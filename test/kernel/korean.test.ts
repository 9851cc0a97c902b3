import { describe, expect, it } from 'vitest';
import { LABS } from '../../labs/index.js';
import { englishLeft } from '../text/english-left.js';
import { misaligned } from '../text/table-columns.js';
import { labNames } from './support.js';
import { cli, namespacesOf, rootSnapshot } from './support.js';

// Every lab's guided run in Korean, as a reader of the articles runs it: `nslab lab <id> --yes
// --lang ko`. What it prints must be Korean but for what stays as it is (commands, kernel
// output, Docker's terms), and its tables must line up in a terminal, where Hangul is two
// columns wide.

describe('every lab, guided in Korean', () => {
  const { fresh, before } = labNames('ko');

  it.each(LABS.map((l) => l.id))('nslab lab %s --yes --lang ko: Korean throughout, tables aligned, every check passes', async (id) => {
    const name = fresh(id);
    const r = await cli('lab', id, '--yes', '--lang', 'ko', '--name', name);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/단계/);
    expect(r.out).toMatch(/기대 \d+개 중 \d+개 충족: 모든 기대 충족/);
    expect(englishLeft(r.out)).toEqual([]);
    expect(misaligned(r.out)).toEqual([]);
    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(before());
  });

  it('LANG=ko_KR.UTF-8 chooses Korean, and --lang en overrides it', async () => {
    const saved = process.env.LANG;
    process.env.LANG = 'ko_KR.UTF-8';
    try {
      expect((await cli('lab', 'veth', '--steps')).out).toMatch(/^veth 페어: 두 네임스페이스 사이의 가상 케이블/);
      expect((await cli('lab', 'veth', '--steps', '--lang', 'en')).out).toMatch(/^A veth pair: a virtual cable between two namespaces/);
    } finally {
      if (saved === undefined) delete process.env.LANG;
      else process.env.LANG = saved;
    }
  });
});
