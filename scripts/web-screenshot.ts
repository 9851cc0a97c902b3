// Takes the README's picture of `nslab web` (docs/web.png): the docker0 lab built whole in
// Debian's Chromium, a trace to the internet drawn, a terminal into c1 that pinged c2.
// Usage, as root: npx tsx scripts/web-screenshot.ts [out.png]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const out = process.argv[2] ?? fileURLToPath(new URL('../docs/web.png', import.meta.url));
const bin = fileURLToPath(new URL('../bin/nslab', import.meta.url));
const name = 'shot';
const web = spawn(bin, ['web', 'docker0', '--name', name, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  let text = '';
  web.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
    const m = /open (http:\S+)/.exec(text);
    if (m) resolve(m[1]!);
  });
  web.on('exit', (code) => reject(new Error(`nslab web exited (${code})`)));
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  await page.goto(url);
  await page.waitForSelector('body[data-ready=yes]');
  await page.click('li[data-step="7"] button[data-act=stop]');
  await page.waitForFunction(() => document.body.dataset.busy === 'no' && document.body.dataset.at === '7', undefined, { timeout: 120_000 });
  await page.selectOption('#trace-from', 'c1');
  await page.fill('#trace-to', '203.0.113.10');
  await page.click('#trace-form button[type=submit]');
  await page.waitForFunction(() => document.body.dataset.traced !== undefined);
  await page.click('#term-tabs button[data-node=c1]');
  await page.waitForFunction(() => /#/.test(document.querySelector('.term[data-node=c1] .xterm-rows')?.textContent ?? ''));
  await page.keyboard.type('ping -c 2 172.17.0.3\n');
  await page.waitForFunction(() => /2 received/.test(document.querySelector('.term[data-node=c1] .xterm-rows')?.textContent ?? ''));
  // The step list scrolled to the last step, beside the picture and the table.
  await page.evaluate(() => document.querySelector('li[data-step="5"]')?.scrollIntoView());
  await page.evaluate(() => document.querySelector('#terms')?.scrollIntoView({ block: 'end' }));
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  web.kill('SIGINT');
  await new Promise((r) => web.on('exit', r));
  spawn(bin, ['down', name], { stdio: 'inherit' });
}
