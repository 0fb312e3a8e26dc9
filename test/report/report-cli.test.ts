import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSentinel } from '../run-cli.js';
import { makeReportRun, tempFolder } from './report-fixture.js';

function assertUserError(result: { exitCode: number; stderr: string }, message: RegExp) {
  assert.equal(result.exitCode, 2, result.stderr);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

test('sentinel report writes Markdown, HTML, CSV, JSON, the budget curve and the thumbnails', async () => {
  const run = await makeReportRun();
  const result = await runSentinel(['report', '--run', run]);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /^\| method \| budget \|/);
  const out = join(run, 'report');
  for (const file of [
    'report.md',
    'report.html',
    'report.json',
    'method-table.csv',
    'seeds.csv',
    'ranking-quality.csv',
    'worklist.csv',
    'budget-curve.svg',
  ]) {
    assert.ok(existsSync(join(out, file)), file);
  }
  assert.equal(
    readdirSync(join(out, 'worklist')).filter((f) => f.endsWith('.png')).length,
    3,
    'one picture per case the selections revised',
  );
  const svg = readFileSync(join(out, 'budget-curve.svg'), 'utf8');
  assert.match(svg, /^<svg /);
  assert.match(svg, /budget N/);
  // tidy long form: one measure per line, pivotable on (method, budget)
  const csv = readFileSync(join(out, 'method-table.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'run,method,budget,measure,value');
  assert.ok(csv.includes('demo,qs,1,dsc_p_vs_random,0.005865153228'));
  assert.ok(csv.includes('demo,qs,1,qe_wall_s,12'));
  const worklist = readFileSync(join(out, 'worklist.csv'), 'utf8').split('\n');
  assert.equal(
    worklist[0],
    'rank,case,picked_by,score,true_dice,worst_organs,organ,slice,thumbnail',
  );
  assert.ok(worklist[1]?.startsWith('1,phantom_0003,"qs #1, entropy #1, oracle #1",0.72'));
  assert.ok(worklist[1]?.endsWith(',liver,14,worklist/1-phantom_0003-liver.png'));
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  const table = md.slice(md.indexOf('## Worklist: the cases sent to revision'));
  assert.match(
    table,
    /\| 1 \| phantom_0003 \| qs #1, entropy #1, oracle #1 \| 0\.724 \| 0\.730 \| liver 0\.410 \(true 0\.400\); spleen/,
  );
  assert.doesNotMatch(table, /n\/a/, 'the true Dice of every listed case is known');
  const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(json.format, 'sentinel-report/1');
  assert.equal(json.methodTable.length, 7);
  assert.equal(json.methodTable[0].dsc.std, null, 'NaN is written as null');
  assert.equal(json.thumbnails[0].file, 'worklist/1-phantom_0003-liver.png');
});

test('one budget: a method plot instead of the curve; --format picks the files; --out', async () => {
  const run = await makeReportRun({ budgets: [2] });
  const out = tempFolder('report-out-');
  const result = await runSentinel([
    'report',
    run,
    '--format',
    'md',
    '--out',
    out,
    '--worklist',
    '1',
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['methods.svg', 'report.md', 'worklist']);
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  const methods = md.slice(md.indexOf('## Methods'), md.indexOf('## Ranking'));
  assert.deepEqual(
    methods
      .split('\n')
      .filter((l) => /^\| [^-]/.test(l))
      .map((l) => l.split(' | ')[0]),
    ['| method', '| M0', '| qs', '| entropy', '| random'],
  );
  // each method's first pick: phantom_0003 (qs, entropy, oracle) and phantom_0002 (random)
  assert.equal(readdirSync(join(out, 'worklist')).length, 2);
});

test('an unfinished run is reported with what exists and which jobs failed or are missing', async () => {
  const run = await makeReportRun({ unfinished: true });
  const result = await runSentinel(['report', '--run', run, '--format', 'md,json']);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /note: The run is not finished \(status running\)/);
  const md = readFileSync(join(run, 'report', 'report.md'), 'utf8');
  assert.match(md, /1 job\(s\) failed: finetune\/entropy\/seed=9\/budget=2 \(exit-code\)/);
  assert.match(
    md,
    /1 job\(s\) not done \(pending or running\): evaluate\/random\/seed=2\/budget=2/,
  );
  // random at budget 2 has two seeds left; qs is paired with it over those two
  assert.match(md, /\| random \| 2 \| 3 \| 2 \| 1 \| 2 \|/);
});

test('an empty run gives a report that says there is nothing yet; no oracle: says how to get it', async () => {
  const run = await makeReportRun({ empty: true });
  const result = await runSentinel(['report', '--run', run, '--format', 'md,html']);
  assert.equal(result.exitCode, 0, result.stderr);
  const md = readFileSync(join(run, 'report', 'report.md'), 'utf8');
  assert.match(md, /No evaluation results yet/);
  assert.match(md, /No results to tabulate yet/);
  assert.match(md, /Not available: no selection recorded yet: no method's cases sent to revision/);
  const noOracle = await makeReportRun({ oracle: false });
  assert.equal((await runSentinel(['report', '--run', noOracle, '--format', 'md'])).exitCode, 0);
  assert.match(
    readFileSync(join(noOracle, 'report', 'report.md'), 'utf8'),
    /run the experiment with the oracle among its methods/,
  );
});

test('user errors: no run folder, no database, a damaged database, a bad format, no run given', async () => {
  const dir = tempFolder('report-errors-');
  assertUserError(
    await runSentinel(['report', '--run', join(dir, 'nope')]),
    /error: no run folder at/,
  );
  mkdirSync(join(dir, 'empty'));
  assertUserError(
    await runSentinel(['report', '--run', join(dir, 'empty')]),
    /holds no sentinel\.db: not a run folder/,
  );
  mkdirSync(join(dir, 'broken'));
  writeFileSync(
    join(dir, 'broken', 'sentinel.db'),
    'not a database at all, just text that is long enough',
  );
  assertUserError(
    await runSentinel(['report', '--run', join(dir, 'broken')]),
    /is not an SQLite database/,
  );
  const run = await makeReportRun();
  assertUserError(
    await runSentinel(['report', '--run', run, '--format', 'md,pdf']),
    /unknown report format "pdf"/,
  );
  assertUserError(await runSentinel(['report']), /give one run/);
  assertUserError(
    await runSentinel(['report', '--compare', run]),
    /--compare takes two run folders/,
  );
});

test('sentinel report --compare: two runs side by side with B - A', async () => {
  const a = await makeReportRun({ name: 'engine-a' });
  const b = await makeReportRun({ name: 'engine-b', budgets: [1] });
  const out = tempFolder('report-compare-');
  const result = await runSentinel(['report', '--compare', a, b, '--out', out]);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.deepEqual(readdirSync(out).sort(), [
    'compare.csv',
    'compare.html',
    'compare.json',
    'compare.md',
  ]);
  const md = readFileSync(join(out, 'compare.md'), 'utf8');
  assert.match(md, /# Comparison: engine-a \(A\) vs engine-b \(B\)/);
  assert.match(md, /\| qs \| 1 \| 3\/3 \| 0\.723 ± 0\.015 \| 0\.723 ± 0\.015 \| \+0\.000 \|/);
  assert.match(md, /\| qs \| 2 \| 3\/0 \| 0\.783 ± 0\.015 \| – \| – \|/);
  const csv = readFileSync(join(out, 'compare.csv'), 'utf8');
  assert.match(csv, /^run,method,budget,measure,value\nA,baseline,0,dsc_mean,0\.62\n/);
});
