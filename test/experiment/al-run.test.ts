import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSentinel } from '../run-cli.js';
import { queryRun, tinyExperiment } from './tiny-config.js';

const methods = ['entropy', 'mc-dropout', 'random', 'oracle'];

test('al-run runs every method x seed end to end, records costs, and a rerun redoes nothing', async () => {
  const { dir, config } = await tinyExperiment('al-run');
  const out = join(dir, 'runs', 'al');
  const args = [
    'al-run',
    '--config',
    config,
    '--methods',
    methods.join(','),
    '--seeds',
    '2',
    '--budget',
    '2,3',
    '--out',
    out,
  ];
  const first = await runSentinel(args);
  assert.equal(first.exitCode, 0, first.stderr);
  for (const m of ['M0', ...methods])
    assert.match(first.stdout, new RegExp(m.replace(/[()]/g, '\\$&')));
  const db = join(out, 'sentinel.db');

  const selections = queryRun<{ method: string; seed: number; budget: number; n: number }>(
    db,
    'select method, seed, budget, count(*) n from selections group by method, seed, budget',
  );
  assert.equal(selections.length, methods.length * 2 * 2);
  for (const s of selections) assert.equal(s.n, s.budget);

  const metricGroups = queryRun<{ method: string; n: number }>(
    db,
    'select method, count(*) n from metrics group by method, seed, budget',
  );
  assert.equal(
    metricGroups.length,
    1 + 2 + methods.length * 2 * 2,
    'baseline + the labeled-only control per seed + every method, seed and budget',
  );
  for (const g of metricGroups) assert.equal(g.n, 2 * 9, `${g.method}: 2 test cases x 9 organs`);

  const jobs = queryRun<{
    key: string;
    status: string;
    wall_s: number;
    peak_rss_bytes: number;
    cpu_s: number;
  }>(db, 'select * from jobs');
  assert.ok(
    jobs.every((j) => j.status === 'done'),
    'every job done',
  );
  assert.ok(
    jobs.every((j) => j.wall_s > 0 && j.peak_rss_bytes > 10e6 && j.cpu_s > 0),
    'every job metered',
  );
  for (const j of queryRun<{ key: string; log_path: string }>(db, 'select key, log_path from jobs'))
    assert.ok(existsSync(j.log_path), `${j.key}: its recorded log ${j.log_path} exists`);

  // AL revises the LOWEST: every oracle pick scores at most the best unpicked case.
  const oracle = queryRun<{ case_id: string; value: number }>(
    db,
    "select case_id, value from scores where method = 'oracle' and organ = '*'",
  );
  const picked = new Set(
    queryRun<{ case_id: string }>(
      db,
      "select case_id from selections where method = 'oracle' and seed = 0 and budget = 2",
    ).map((r) => r.case_id),
  );
  const pickedMax = Math.max(...oracle.filter((o) => picked.has(o.case_id)).map((o) => o.value));
  const restMin = Math.min(...oracle.filter((o) => !picked.has(o.case_id)).map((o) => o.value));
  assert.ok(pickedMax <= restMin, `picked worst (${pickedMax} <= ${restMin})`);

  const before = queryRun(
    db,
    'select * from metrics order by method, seed, budget, case_id, organ',
  );
  const second = await runSentinel(args);
  assert.equal(second.exitCode, 0, second.stderr);
  assert.match(second.stderr, /0 job\(s\) run, \d+ already done, 0 failed/);
  assert.deepEqual(
    queryRun(db, 'select * from metrics order by method, seed, budget, case_id, organ'),
    before,
  );
});

test('ssl-run keeps the HIGHEST-scored pseudo labels', async () => {
  const { dir, config } = await tinyExperiment('ssl-run');
  const out = join(dir, 'runs', 'ssl');
  const result = await runSentinel([
    'ssl-run',
    '--config',
    config,
    '--methods',
    'oracle,random',
    '--seeds',
    '1',
    '--topk',
    '3',
    '--out',
    out,
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
  const db = join(out, 'sentinel.db');
  const oracle = queryRun<{ case_id: string; value: number }>(
    db,
    "select case_id, value from scores where method = 'oracle' and organ = '*'",
  );
  const picked = new Set(
    queryRun<{ case_id: string }>(db, "select case_id from selections where method = 'oracle'").map(
      (r) => r.case_id,
    ),
  );
  assert.equal(picked.size, 3);
  const pickedMin = Math.min(...oracle.filter((o) => picked.has(o.case_id)).map((o) => o.value));
  const restMax = Math.max(...oracle.filter((o) => !picked.has(o.case_id)).map((o) => o.value));
  assert.ok(pickedMin >= restMax, `picked best (${pickedMin} >= ${restMax})`);
});

test('al-run --export-worklist stops after writing what to revise', async () => {
  const { dir, config } = await tinyExperiment('worklist');
  const out = join(dir, 'runs', 'wl');
  const result = await runSentinel([
    'al-run',
    '--config',
    config,
    '--methods',
    'entropy',
    '--seeds',
    '1',
    '--budget',
    '2',
    '--export-worklist',
    '--out',
    out,
  ]);
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /worklist-entropy\.csv/);
  const worklist = (await readFile(join(out, 'worklist-entropy.csv'), 'utf8')).trim().split('\n');
  assert.equal(worklist.length, 3, 'a header and the 2 cases to revise');
  for (const line of worklist.slice(1))
    assert.match(line, /^\d,phantom_\d+,-?[\d.]+,(\w+=-?\d+\.\d{3} ?){5},\//, 'worst organs');
  const finetunes = queryRun(
    join(out, 'sentinel.db'),
    "select * from jobs where key like 'finetune/%'",
  );
  assert.equal(finetunes.length, 0, 'no fine-tuning');
});
