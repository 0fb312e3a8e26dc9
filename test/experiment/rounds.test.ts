import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { packageRoot } from '../../src/package-root.js';
import { runSentinel, sentinelBin } from '../run-cli.js';
import { queryRun, tinyExperiment } from './tiny-config.js';

const METRICS =
  'select method, seed, budget, round, case_id, organ, dsc, nsd from metrics order by method, seed, budget, round, case_id, organ';
const SELECTIONS =
  'select method, seed, budget, round, case_id, rank from selections order by method, seed, budget, round, rank';

// Done jobs of round 2, once the database exists and has its tables.
function doneInRound2(db: string): number {
  if (!existsSync(db)) return 0;
  try {
    const sql = "select count(*) n from jobs where status = 'done' and round = 2";
    return queryRun<{ n: number }>(db, sql)[0]?.n ?? 0;
  } catch {
    return 0;
  }
}

test('al-run --rounds 3 with a user strategy module from outside src/: 3 rounds x seeds recorded, a kill -9 mid-round resumes to the same results, the report draws the rounds', async () => {
  const { dir, config } = await tinyExperiment('rounds');
  // The example strategy of docs/, as a user would copy it next to their config.
  await copyFile(
    join(packageRoot, 'docs', 'examples', 'volume-outlier-strategy.mjs'),
    join(dir, 'volume-outlier.mjs'),
  );
  const common = ['--config', config, '--methods', './volume-outlier.mjs', '--seeds', '2'];
  common.push('--budget', '2', '--rounds', '3');
  const straight = join(dir, 'runs', 'straight');
  const first = await runSentinel(['al-run', ...common, '--out', straight], { cwd: dir });
  assert.equal(first.exitCode, 0, first.stderr);
  const db = join(straight, 'sentinel.db');
  // The count the progress showed is the plan's: every planned job ran, and only those.
  const ran = Number(/(\d+) job\(s\) run, 0 already done/.exec(first.stderr)?.[1]);
  const jobs = queryRun<{ key: string; status: string }>(db, 'select key, status from jobs');
  assert.equal(jobs.length, ran);
  assert.match(first.stderr, new RegExp(`\\[${ran}/${ran}\\]`));
  // M0 4 + control 2 x 3 + 1 shared score + round 1: 2 x 3 + rounds 2-3: 2 seeds x 2 x 5.
  assert.equal(ran, 4 + 6 + 1 + 6 + 20);
  assert.ok(jobs.some((j) => j.key === 'finetune/volume-outlier/seed=1/budget=2'));
  assert.ok(jobs.some((j) => j.key === 'score/volume-outlier/seed=1/budget=2/round=3'));

  const rounds = queryRun<{ seed: number; round: number; n: number }>(
    db,
    "select seed, round, count(distinct case_id) n from metrics where method = 'volume-outlier' group by seed, round",
  );
  assert.deepEqual(
    rounds.map((r) => `${r.seed}/${r.round}`),
    ['0/1', '0/2', '0/3', '1/1', '1/2', '1/3'],
  );
  const picks = queryRun<{ seed: number; round: number; case_id: string }>(db, SELECTIONS);
  assert.equal(picks.length, 2 * 3 * 2, '2 seeds x 3 rounds x 2 cases');
  for (const seed of [0, 1]) {
    const ofSeed = picks.filter((p) => p.seed === seed).map((p) => p.case_id);
    assert.equal(new Set(ofSeed).size, 6, `seed ${seed}: no case revised twice`);
  }
  const laterScores = queryRun<{ n: number }>(
    db,
    "select count(distinct case_id) n from scores where round = 3 and seed = 0 and organ = '*'",
  )[0]?.n;
  assert.equal(laterScores, 6 - 2 * 2, 'round 3 re-scores what is left of the pool');

  const killed = join(dir, 'runs', 'killed');
  const killedDb = join(killed, 'sentinel.db');
  const args = ['al-run', ...common, '--out', killed];
  const child = spawn(process.execPath, [sentinelBin, ...args], { cwd: dir, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  while (child.exitCode === null && doneInRound2(killedDb) < 2) await sleep(50);
  child.kill('SIGKILL');
  await exited;
  const resumed = await runSentinel(args, { cwd: dir });
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  assert.match(resumed.stderr, /[1-9]\d* job\(s\) run, [1-9]\d* already done/, 'killed mid-run');
  assert.deepEqual(queryRun(killedDb, METRICS), queryRun(db, METRICS), 'identical metrics');
  assert.deepEqual(queryRun(killedDb, SELECTIONS), queryRun(db, SELECTIONS));
  const notDone = queryRun(killedDb, "select key from jobs where status != 'done'");
  assert.deepEqual(notDone, []);

  const report = await runSentinel(['report', '--run', straight]);
  assert.equal(report.exitCode, 0, report.stderr);
  assert.ok(existsSync(join(straight, 'report', 'round-curve.svg')));
  const markdown = await readFile(join(straight, 'report', 'report.md'), 'utf8');
  assert.match(markdown, /## Active-learning rounds/);
  assert.match(markdown, /\| volume-outlier \| 2 \| 2: .* \| 4: .* \| 6: .* \|/);
});

test('--rounds is a clear error where it cannot run: ssl-run, rounds x budget beyond the pool, a worklist export', async () => {
  const { dir, config } = await tinyExperiment('rounds-errors');
  const out = join(dir, 'runs', 'x');
  const tooMany = await runSentinel(
    ['al-run', '--config', config, '--budget', '2', '--rounds', '4', '--out', out],
    { cwd: dir },
  );
  assert.equal(tooMany.exitCode, 2, tooMany.stderr);
  assert.match(tooMany.stderr, /2 x 4 rounds = 8 is larger than the pool \(6 cases\)/);
  const worklist = await runSentinel(
    ['al-run', '--config', config, '--rounds', '2', '--budget', '1', '--export-worklist'],
    { cwd: dir },
  );
  assert.equal(worklist.exitCode, 2, worklist.stderr);
  assert.match(worklist.stderr, /--export-worklist .* --rounds 2/);
  const ssl = await runSentinel(['ssl-run', '--config', config, '--rounds', '2'], { cwd: dir });
  assert.equal(ssl.exitCode, 2, ssl.stderr);
  assert.match(ssl.stderr, /--rounds/);
  for (const r of [tooMany, worklist, ssl]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});
