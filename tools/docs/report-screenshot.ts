// Screenshots a report's HTML in headless Chromium for the docs: the full page at a laptop's
// width (1366 px) as PNG and, to check the print layout, the page printed to A4 as PDF.
// `npm run docs:screenshot` runs the small AL run of tools/docs/report-screenshot.yaml, writes
// its report, then calls this:
//   node dist/tools/docs/report-screenshot.js REPORT.html OUT.png [OUT.pdf]
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WIDTH = 1366;

async function main(args: string[]): Promise<number> {
  const [html, png, pdf] = args;
  if (html === undefined || png === undefined) {
    process.stderr.write('usage: report-screenshot REPORT.html OUT.png [OUT.pdf]\n');
    return 2;
  }
  if (!existsSync(html)) {
    process.stderr.write(`no report at ${html}: write it first (sentinel report --format html)\n`);
    return 2;
  }
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(
      `no Chromium at ${CHROMIUM}: install it (scripts/install-system-deps.sh) or set CHROMIUM\n`,
    );
    return 2;
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
    await page.screenshot({ path: png, fullPage: true });
    process.stdout.write(`${png}: ${statSync(png).size} bytes, ${WIDTH} px wide\n`);
    if (pdf !== undefined) {
      await page.emulateMedia({ media: 'print' });
      await page.pdf({ path: pdf, format: 'A4', printBackground: true });
      process.stdout.write(`${pdf}: ${statSync(pdf).size} bytes (A4, print styles)\n`);
    }
    for (const p of problems) process.stderr.write(`page: ${p}\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await browser.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
