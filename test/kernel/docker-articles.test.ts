import { describe, expect, it } from 'vitest';
import { ARTICLES, ID_OF, type ArticleLine } from '../fixtures/articles/docker-lines.js';
import { shellWords } from '../../src/model/shell-words.js';
import { isolateState, namespacesOf, requireKernel, rootSnapshot, spawnNslab, uniqueName } from './support.js';

// Every docker command line of the articles, typed into `nslab docker` as the article types it,
// through the real binary as a learner runs it: each article on a docker host of its own, in
// the article's order, each line doing what a real docker does with it (its own failures
// included), and nothing left after `nslab docker reset`.

describe.each(Object.entries(ARTICLES))('the article %s, line by line', (_title, lines) => {
  const engine = uniqueName('art');
  let before: Record<string, string>;

  it.each(lines.map((l, i) => [i + 1, l.line, l] as const))('%i. %s', async (i, _line, l: ArticleLine) => {
    if (i === 1) {
      requireKernel();
      isolateState();
      before = rootSnapshot();
    }
    const typed = (l.runs ?? l.line).replace(ID_OF, webId ?? ID_OF);
    const [docker, ...argv] = shellWords(typed);
    expect(docker).toBe('docker');
    const r = await spawnNslab(['docker', '--quiet', ...argv], { NSLAB_DOCKER_NAME: engine }, l.stdin ?? '');
    if (typed === 'docker run -d --name web nginx') webId = r.out.trim().slice(0, 12);
    expect({ code: r.code, err: r.code === l.code ? '' : r.err }).toEqual({ code: l.code, err: '' });
    if (l.out) expect(r.out).toMatch(l.out);
    if (l.err) expect(r.err).toMatch(l.err);
    if (i === lines.length) {
      expect((await spawnNslab(['docker', 'reset'], { NSLAB_DOCKER_NAME: engine })).code).toBe(0);
      expect(namespacesOf(engine)).toEqual([]);
      expect(rootSnapshot()).toEqual(before);
    }
  });
});

let webId: string | undefined;
