import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { THUMBNAIL_SIZE } from '../../src/report/draw-thumbnail.js';
import { tinyExperiment } from '../experiment/tiny-config.js';
import { skipOrFail } from '../requirements/skip-or-fail.js';
import { runSentinel } from '../run-cli.js';
import { makeReportRun, tempFolder } from './report-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const chromiumMissing = skipOrFail(
  existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is missing: install Debian's chromium (scripts/install-system-deps.sh)`,
);
// Where the screenshots go (kept for a person to look at): SENTINEL_SCREENSHOT_DIR or a temp dir.
const shots = process.env.SENTINEL_SCREENSHOT_DIR ?? tempFolder('report-shots-');

// Opens a file in headless Chromium; returns console errors, page errors, the URLs it asked
// for, facts read from the page, and saves a full-page screenshot.
async function openInChromium(file: string, screenshot: string) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        errors.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // A string, so the test compiles without the DOM library.
    const facts = (await page.evaluate(`({
      title: document.title,
      tables: document.querySelectorAll('table').length,
      svgs: document.querySelectorAll('figure svg').length,
      images: [...document.querySelectorAll('img')].map((i) => ({ ok: i.complete && i.naturalWidth > 0, src: i.src.slice(0, 22), size: [i.naturalWidth, i.naturalHeight, i.width, i.height] })),
      cards: [...document.querySelectorAll('.worklist .card')].map((c) => ({ top: Math.round(c.getBoundingClientRect().top), caption: Math.round(c.querySelector('.what').getBoundingClientRect().top), text: c.textContent })),
      methodRows: document.querySelectorAll('table')[0]?.querySelectorAll('tbody tr').length ?? 0,
    })`)) as {
      title: string;
      tables: number;
      svgs: number;
      images: { ok: boolean; src: string; size: number[] }[];
      cards: { top: number; caption: number; text: string }[];
      methodRows: number;
    };
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    return { errors, requests, facts };
  } finally {
    await browser.close();
  }
}

test(
  'the HTML report opens in headless Chromium with no console errors, and a screenshot is saved',
  {
    skip: chromiumMissing,
  },
  async () => {
    const run = await makeReportRun();
    const result = await runSentinel(['report', '--run', run, '--format', 'html']);
    assert.equal(result.exitCode, 0, result.stderr);
    const html = join(run, 'report', 'report.html');
    const content = readFileSync(html, 'utf8');
    assert.doesNotMatch(
      content.replaceAll('http://www.w3.org/', ''),
      /(src|href)="https?:|url\(https?:|@import/i,
      'no external URL',
    );
    const screenshot = join(shots, 'report.png');
    const { errors, requests, facts } = await openInChromium(html, screenshot);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')),
      [],
      'the page asks for nothing outside itself',
    );
    assert.equal(facts.title, 'Report: demo');
    assert.equal(facts.methodRows, 7);
    assert.equal(facts.svgs, 1, 'the budget curve');
    assert.equal(facts.images.length, 3, 'one picture per revised case');
    assert.ok(
      facts.images.every((i) => i.ok && i.src.startsWith('data:image/png')),
      'every thumbnail decodes',
    );
    const side = THUMBNAIL_SIZE;
    assert.ok(
      facts.images.every((i) => i.size.join() === [side, side, side, side].join()),
      `every thumbnail is ${side} px square, drawn at its size`,
    );
    const rows = new Map<number, number[]>();
    for (const c of facts.cards) rows.set(c.top, [...(rows.get(c.top) ?? []), c.caption]);
    for (const captions of rows.values())
      assert.equal(new Set(captions).size, 1, 'the captions of a row of cards line up');
    assert.match(
      facts.cards[0]?.text ?? '',
      /phantom_0003.*true Dice 0\.730.*liver 0\.410 \(true 0\.400\).*picked by qs #1, entropy #1, oracle #1/,
    );
    assert.ok(statSync(screenshot).size > 10_000, `screenshot at ${screenshot}`);
  },
);

test(
  'the comparison HTML opens in headless Chromium with no console errors',
  { skip: chromiumMissing },
  async () => {
    const a = await makeReportRun({ name: 'engine-a' });
    const b = await makeReportRun({ name: 'engine-b', budgets: [1] });
    const out = tempFolder('report-compare-');
    const result = await runSentinel(['report', '--compare', a, b, '--out', out]);
    assert.equal(result.exitCode, 0, result.stderr);
    const { errors, facts } = await openInChromium(
      join(out, 'compare.html'),
      join(shots, 'compare.png'),
    );
    assert.deepEqual(errors, []);
    assert.ok(facts.tables >= 2);
  },
);

test(
  'on a real (tiny) al-run, the report opens in Chromium with no console errors, one row per method',
  { skip: chromiumMissing },
  async () => {
    const { dir, config } = await tinyExperiment('report-real-run');
    const run = join(dir, 'runs', 'real');
    const methods = ['qs', 'entropy', 'random', 'oracle'];
    const al = await runSentinel([
      'al-run',
      '--config',
      config,
      '--methods',
      methods.join(','),
      '--seeds',
      '2',
      '--budget',
      '2',
      '--out',
      run,
    ]);
    assert.equal(al.exitCode, 0, al.stderr);
    const result = await runSentinel(['report', '--run', run, '--format', 'md,html']);
    assert.equal(result.exitCode, 0, result.stderr);
    const markdown = readFileSync(join(run, 'report', 'report.md'), 'utf8');
    for (const m of [...methods, 'labeled-only'])
      assert.match(markdown, new RegExp(`^\\| ${m} \\|`, 'm'), `a table row for ${m}`);
    const { errors, facts } = await openInChromium(
      join(run, 'report', 'report.html'),
      join(shots, 'real-run.png'),
    );
    assert.deepEqual(errors, []);
    assert.equal(facts.methodRows, 2 + methods.length, 'M0, the control and one row per method');
    assert.ok(
      facts.images.length > 0 && facts.images.every((i) => i.ok),
      'QS worklist thumbnails decode',
    );
  },
);
