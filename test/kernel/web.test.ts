import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawnEdges, drawnShapes, edgesThroughBoxes } from '../view/svg-geometry.js';
import { labSuite } from './lab-run.js';
import { cli, namespacesOf, rootSnapshot } from './support.js';
import { englishLeft } from '../text/english-left.js';
import { knock, launchChromium, openSocket, processesIn, startWeb, type RunningWeb } from './web-support.js';

// `nslab web` as a learner uses it: the real command, the real page in Debian's Chromium, a
// real lab underneath. Every click is checked by what the page then shows, and what it shows
// by the kernel.

const shots = join(process.env.NSLAB_TEST_RESULTS ?? join(process.cwd(), '.scratch'), 'web');

/** Waits until the lab is idle at step `at`, as every tab is told over /events. */
async function idleAt(page: Page, at: number): Promise<void> {
  await page.waitForFunction((n) => document.body.dataset.busy === 'no' && document.body.dataset.at === String(n), at, { timeout: 120_000 });
}

/** The verification table's rows as the page shows them. */
const rows = (page: Page, table = '#checks') => page.$$eval(`${table} tr`, (trs) => trs.map((tr) => ({ pass: tr.getAttribute('data-pass') === 'true', text: tr.textContent ?? '' })));

/** Boxes that overlap a sibling (same parent): drawn on top of each other. */
function overlapping(svg: string): string[] {
  const shapes = drawnShapes(svg);
  const bad: string[] = [];
  for (const a of shapes) {
    for (const b of shapes) {
      if (a.id >= b.id || a.parent !== b.parent) continue;
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      if (!apart) bad.push(`${a.id} overlaps ${b.id}`);
    }
  }
  return bad;
}

describe('nslab web: the docker0 lab in a real browser', () => {
  const suite = labSuite('wb');
  const { name } = suite;
  let web: RunningWeb;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    web = await startWeb(['docker0', '--name', name]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (web?.child.exitCode === null) await web.stop();
  });

  it('refuses a request without the token, with a foreign Origin, or naming another Host; and a websocket likewise', async () => {
    const state = '/api/state';
    expect(await knock(web.port, state)).toMatchObject({ status: 403, body: { error: 'this request carries no token' } });
    expect(await knock(web.port, '/')).toMatchObject({ status: 403 });
    expect(await knock(web.port, '/assets/app.js')).toMatchObject({ status: 403 });
    expect(await knock(web.port, state, { token: 'not-the-token' })).toMatchObject({ status: 403, body: { error: 'this token is not the one nslab web printed' } });
    expect(await knock(web.port, state, { token: web.token, origin: 'http://evil.example' })).toMatchObject({ status: 403, body: { error: expect.stringContaining('http://evil.example are refused') } });
    // DNS rebinding: a name of the attacker's, resolving to 127.0.0.1, reaches us with its own Host.
    expect(await knock(web.port, state, { token: web.token, host: `evil.example:${web.port}` })).toMatchObject({ status: 421, body: { error: expect.stringContaining('answers only to 127.0.0.1') } });
    expect(await knock(web.port, state, { token: web.token, host: `192.0.2.1:${web.port}` })).toMatchObject({ status: 421 });
    // The page's own requests pass: same Host, same Origin, the token.
    expect(await knock(web.port, state, { token: web.token, origin: `http://127.0.0.1:${web.port}` })).toMatchObject({ status: 200, body: { lab: 'docker0', name, at: 0 } });

    const ws = (path: string, token: string | undefined) => `ws://127.0.0.1:${web.port}${path}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
    const own = `http://127.0.0.1:${web.port}`;
    expect(await openSocket(ws('/events', undefined), own)).toMatchObject({ opened: false, status: 403 });
    expect(await openSocket(ws('/events', 'wrong'), own)).toMatchObject({ opened: false, status: 403 });
    expect(await openSocket(ws('/events', web.token), 'http://evil.example')).toMatchObject({ opened: false, status: 403 });
    expect(await openSocket(ws('/events', web.token), undefined)).toMatchObject({ opened: false, status: 403 });
    expect(await openSocket(ws('/terminal/c1', undefined), own)).toMatchObject({ opened: false, status: 403 });
    const events = await openSocket(ws('/events', web.token), own, { untilMessage: true });
    expect(events.said).toContain('"type":"state"');
  });

  it('answers a bad request with a clear message and a 4xx, and builds nothing', async () => {
    const t = { token: web.token };
    expect(await knock(web.port, '/api/lab', { ...t, method: 'POST', body: { lab: 'no-such-lab' } })).toMatchObject({ status: 404, body: { error: expect.stringMatching(/no-such-lab/) } });
    expect(await knock(web.port, '/api/steps/99/stop', { ...t, method: 'POST' })).toMatchObject({ status: 400, body: { error: '"99" is not a step of lab docker0 (it has steps 1 to 7)' } });
    expect(await knock(web.port, '/api/steps/two/run', { ...t, method: 'POST' })).toMatchObject({ status: 400 });
    expect(await knock(web.port, '/api/steps/1/explode', { ...t, method: 'POST' })).toMatchObject({ status: 400, body: { error: 'a step has no action "explode"' } });
    expect(await knock(web.port, '/api/trace', { ...t, method: 'POST', body: { from: 'c1', to: 'c2' } })).toMatchObject({ status: 400, body: { error: expect.stringContaining('is not up') } });
    expect(await knock(web.port, '/api/down', { ...t, method: 'POST' })).toMatchObject({ status: 400 });
    expect(await knock(web.port, '/api/nothing-here', t)).toMatchObject({ status: 404, body: { error: 'nslab web has no GET /api/nothing-here' } });
    // A terminal into a node that does not exist (yet), or of no lab node at all: said in the page, closed with 4400.
    const own = `http://127.0.0.1:${web.port}`;
    const early = await openSocket(`ws://127.0.0.1:${web.port}/terminal/c1?token=${web.token}`, own);
    expect(early).toMatchObject({ opened: true, code: 4400 });
    expect(early.said).toContain('c1 does not exist yet');
    expect(await openSocket(`ws://127.0.0.1:${web.port}/terminal/nosuch?token=${web.token}`, own)).toMatchObject({ code: 4400, reason: expect.stringContaining('has no node "nosuch"') });
    expect(namespacesOf(name)).toEqual([]);
  });

  it('walks the lab step by step (every row green), opens c1 and pings c2, traces to the internet through MASQUERADE, rewinds, and draws every link without overlap', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(web.url);
    await page.waitForSelector('body[data-ready=yes]');
    expect(await page.textContent('#title')).toBe("Lab 3: Docker's default bridge, docker0, by hand");
    const total = await page.$$eval('#steps > li', (l) => l.length);
    expect(total).toBe(7);

    for (let n = 1; n <= total; n++) {
      await page.click(`li[data-step="${n}"] button[data-act=stop]`);
      await idleAt(page, n);
      // The step's own checks, then what holds now: each row green, by packets.
      const own = await rows(page, `li[data-step="${n}"] table.step-checks`);
      const now = await rows(page);
      expect(own.filter((r) => !r.pass), `step ${n}'s checks`).toEqual([]);
      expect(now.filter((r) => !r.pass), `what holds at step ${n}`).toEqual([]);
      expect(await page.getAttribute(`li[data-step="${n}"]`, 'class')).toContain('done');
    }
    expect(await rows(page)).not.toHaveLength(0);
    expect(await page.textContent('#standing')).toBe('at step 7 of 7');

    // The picture, read back from the page as drawn: every veth link, no box on another, no link through a box.
    const svg = await page.$eval('#picture svg', (s) => s.outerHTML);
    const veths = drawnEdges(svg).filter((e) => e.kind === 'veth');
    expect(veths.map((e) => e.boxes.join(' ')).sort()).toEqual(expect.arrayContaining([expect.stringContaining('c1'), expect.stringContaining('c2')]));
    for (const e of drawnEdges(svg)) expect(e.points.length, `edge ${e.id} drawn`).toBeGreaterThanOrEqual(2);
    expect(overlapping(svg)).toEqual([]);
    expect(edgesThroughBoxes(svg)).toEqual([]);
    const boxes = await page.$$eval('#picture svg rect[data-box]', (rs) => rs.map((r) => ({ id: r.getAttribute('data-box'), ...r.getBoundingClientRect().toJSON() })));
    expect(boxes.map((b) => b.id).sort()).toEqual(expect.arrayContaining([expect.stringContaining('c1'), expect.stringContaining('c2'), expect.stringContaining('host'), expect.stringContaining('wan')]));
    for (const b of boxes) expect(b.width * b.height, `box ${b.id} is on the screen`).toBeGreaterThan(100);
    await page.screenshot({ path: join(shots, 'docker0-built.png'), fullPage: true });

    // A terminal into c1: a real shell in its namespace; ping c2 from it.
    await page.click('#term-tabs button[data-node=c1]');
    await page.waitForSelector('.term[data-node=c1] .xterm-rows');
    await page.waitForFunction(() => /#/.test(document.querySelector('.term[data-node=c1] .xterm-rows')?.textContent ?? ''), undefined, { timeout: 20_000 });
    await page.keyboard.type('ip -br addr show eth0; ping -c 1 -W 3 172.17.0.3\n');
    await page.waitForFunction(() => /1 received/.test(document.querySelector('.term[data-node=c1] .xterm-rows')?.textContent ?? ''), undefined, { timeout: 20_000 });
    expect(await page.textContent('.term[data-node=c1] .xterm-rows')).toContain('172.17.0.2/16');
    expect(processesIn(`nslab-${name}-c1`)).toContain('bash');

    // A trace to the internet: the MASQUERADE hop is listed, and drawn on the picture.
    await page.selectOption('#trace-from', 'c1');
    await page.fill('#trace-to', '203.0.113.10');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.url().includes('/api/trace')), page.click('#trace-form button[type=submit]')]);
    const traced = (await answer.json()) as { result: { arrived: boolean; request: { n: number; node: string; rewrite?: { kind: string } }[] }; svg: string };
    expect(traced.result.arrived).toBe(true);
    const masq = traced.result.request.find((h) => h.rewrite?.kind === 'MASQUERADE');
    expect(masq, 'a MASQUERADE hop').toBeDefined();
    await page.waitForFunction(() => document.body.dataset.traced === 'arrived');
    expect(await page.textContent('#trace-out')).toContain('MASQUERADE');
    const drawnHops = await page.$$eval('#trace-picture path[data-hops]', (ps) => ps.map((p) => ({ kind: p.getAttribute('data-kind'), hops: (p.getAttribute('data-hops') ?? '').split(' ').map(Number) })));
    const onPicture = drawnHops.find((e) => e.hops.includes(masq!.n));
    expect(onPicture, `hop ${masq!.n} (MASQUERADE) drawn on the picture`).toBeDefined();
    expect(['underlay', 'veth', 'masquerade']).toContain(onPicture!.kind);
    await page.screenshot({ path: join(shots, 'docker0-trace.png'), fullPage: true });

    // Rewind to step 3 (the bridge, no containers): c1 is gone from the picture, what holds is green.
    await page.click('li[data-step="3"] button[data-act=rewind]');
    await idleAt(page, 3);
    // c1's namespace is gone, so is the shell that was in it: its terminal says so.
    await page.waitForSelector('.term[data-node=c1][data-closed=yes]', { timeout: 10_000 });
    expect((await rows(page)).filter((r) => !r.pass)).toEqual([]);
    expect(namespacesOf(name)).toEqual([`nslab-${name}-host`, `nslab-${name}-wan`]);
    expect(await page.$$eval('#picture svg rect[data-box]', (rs) => rs.map((r) => r.getAttribute('data-box')).filter((id) => /c1|c2/.test(id ?? '')))).toEqual([]);
    expect(errors).toEqual([]);

    // Closing the page hangs its terminals up: no shell is left in the lab.
    await page.close();
    await expect.poll(() => processesIn(`nslab-${name}-host`).concat(processesIn(`nslab-${name}-wan`)).filter((p) => p === 'bash'), { timeout: 10_000 }).toEqual([]);
  });

  it('two tabs see the same lab; a change asked for while another runs is refused (409) and said in the page', async () => {
    const a = await browser.newPage();
    const b = await browser.newPage();
    await a.goto(web.url);
    await b.goto(web.url);
    await Promise.all([a.waitForSelector('body[data-ready=yes]'), b.waitForSelector('body[data-ready=yes]')]);
    expect(await b.textContent('#standing')).toBe('at step 3 of 7');
    await a.click('li[data-step="7"] button[data-act=stop]');
    // Tab b hears that a is building, before it is done.
    await b.waitForFunction(() => document.body.dataset.busy === 'yes');
    const refused = await b.evaluate(async (token) => (await fetch('/api/steps/1/rewind', { method: 'POST', headers: { 'x-nslab-token': token } })).status, web.token);
    expect(refused).toBe(409);
    await idleAt(b, 7);
    await idleAt(a, 7);
    expect((await rows(b)).filter((r) => !r.pass)).toEqual([]);
    await a.close();
    await b.close();
  });

  it('an exercise from the page: start it, check it (red, nothing built yet), a hint at a time, reset it', async () => {
    const page = await browser.newPage();
    await page.goto(web.url);
    await page.waitForSelector('body[data-ready=yes]');
    const ex = '.exercise[data-exercise="1"]';
    await page.click(`${ex} button[data-act=start]`);
    await page.waitForSelector(`${ex} .task`);
    expect(await page.textContent(`${ex} .task`)).toContain('nslab-ex1-');
    await page.click(`${ex} button[data-act=check]`);
    await page.waitForSelector(`${ex} tr[data-pass]`);
    const findings = await rows(page, ex);
    expect(findings.filter((r) => !r.pass).length, 'nothing is built: requirements unmet').toBeGreaterThan(0);
    expect(await page.$$(`${ex} .hint`)).toHaveLength(0);
    for (const n of [1, 2]) {
      await page.click(`${ex} button[data-act=hint]`);
      await page.waitForFunction(([sel, k]) => document.querySelectorAll(`${sel} .hint`).length === k, [ex, n] as const);
    }
    await page.click(`${ex} button[data-act=reset]`);
    await page.waitForFunction((sel) => /removed: /.test(document.querySelector(sel)?.textContent ?? ''), ex);
    expect(namespacesOf('ex1')).toEqual([]);
    await page.close();
  });

  it('killed with SIGKILL while a terminal is open: leaves no shell or capture, only the lab itself, which `nslab down` removes', async () => {
    const page = await browser.newPage();
    await page.goto(web.url);
    await page.waitForSelector('body[data-ready=yes]');
    await page.click('#term-tabs button[data-node=c2]');
    await page.waitForFunction(() => /#/.test(document.querySelector('.term[data-node=c2] .xterm-rows')?.textContent ?? ''), undefined, { timeout: 20_000 });
    await page.keyboard.type('ping 172.17.0.2\n');
    await expect.poll(() => processesIn(`nslab-${name}-c2`), { timeout: 10_000 }).toContain('ping');
    web.child.kill('SIGKILL');
    await new Promise((r) => web.child.once('exit', r));
    const lab = [`nslab-${name}-c1`, `nslab-${name}-c2`, `nslab-${name}-host`, `nslab-${name}-wan`];
    await expect.poll(() => lab.flatMap(processesIn).filter((p) => ['bash', 'ping', 'tcpdump', 'timeout'].includes(p)), { timeout: 15_000 }).toEqual([]);
    expect(namespacesOf(name)).toEqual(lab);
    await page.close();
    expect((await cli('down', name)).code).toBe(0);
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(suite.before);
  });
});

describe('nslab web connect: the second article, end to end', () => {
  const suite = labSuite('wc');
  const { name } = suite;

  it('Run from step 1 builds the whole story; every step lands green, the end holds, Take down leaves nothing', async () => {
    const web = await startWeb(['connect', '--name', name]);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(web.url);
      await page.waitForSelector('body[data-ready=yes]');
      const total = await page.$$eval('#steps > li', (l) => l.length);
      // Progress shows while the story builds.
      await page.click('li[data-step="1"] button[data-act=run]');
      await page.waitForSelector('#progress:not([hidden])', { timeout: 30_000 });
      await idleAt(page, total);
      const reports = await page.$$eval('#steps > li', (lis) => lis.map((li) => ({ step: li.getAttribute('data-step'), rows: [...li.querySelectorAll('table.step-checks tr')].map((tr) => ({ pass: tr.getAttribute('data-pass') === 'true', text: tr.textContent })) })));
      expect(reports.flatMap((r) => r.rows.filter((x) => !x.pass).map((x) => `step ${r.step}: ${x.text}`))).toEqual([]);
      // Isolation, connect, disconnect: the story's checks are there, each step's own.
      expect(reports.reduce((n, r) => n + r.rows.length, 0)).toBeGreaterThanOrEqual(4);
      expect((await rows(page)).filter((r) => !r.pass)).toEqual([]);
      await page.screenshot({ path: join(shots, 'connect-done.png'), fullPage: true });
      await page.click('#down');
      await idleAt(page, 0);
      expect(namespacesOf(name)).toEqual([]);
    } finally {
      await browser.close();
      expect(await web.stop()).toBe(0);
    }
    expect(rootSnapshot()).toEqual(suite.before);
  });
});

describe('nslab web --lang ko: the page in Korean', () => {
  const suite = labSuite('wk');
  const { name } = suite;

  it("speaks Korean in every word of its own and of the lab's (commands and kernel output as they are), and builds docker0 green", async () => {
    const web = await startWeb(['docker0', '--name', name, '--lang', 'ko']);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(web.url);
      await page.waitForSelector('body[data-ready=yes]');
      expect(await page.getAttribute('html', 'lang')).toBe('ko');
      expect(await page.textContent('#title')).toBe('랩 3: 도커의 기본 브리지 docker0를 직접 만들기');
      await page.click('li[data-step="5"] button[data-act=stop]');
      await idleAt(page, 5);
      expect((await rows(page)).filter((r) => !r.pass)).toEqual([]);
      // The page's words and the lab's, element by element: headings, buttons, steps' titles and reasons, the table's checks.
      const texts = await page.$$eval('h1, h2, button, label > span, .step h3, .step .why, .docker, td.title, #standing, #checks-at', (es) => es.map((e) => (e.textContent ?? '').trim()).filter(Boolean));
      expect(texts).toContain('여기서 멈춤');
      expect(texts).toContain('5단계: 컨테이너 c1 시작');
      expect(englishLeft(texts.join('\n'))).toEqual([]);
      await page.screenshot({ path: join(shots, 'docker0-korean.png'), fullPage: true });
      await page.click('#down');
      await idleAt(page, 0);
    } finally {
      await browser.close();
      expect(await web.stop()).toBe(0);
    }
    expect(namespacesOf(name)).toEqual([]);
    expect(rootSnapshot()).toEqual(suite.before);
  });
});
