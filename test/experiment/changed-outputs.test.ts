import assert from 'node:assert/strict';
import { cpSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSentinel } from '../run-cli.js';
import { queryRun, tinyExperiment } from './tiny-config.js';

const METRICS =
  'select method, seed, budget, case_id, organ, dsc, nsd from metrics order by method, seed, budget, case_id, organ';
const SCORES = 'select method, seed, case_id, organ, value from scores order by 1, 2, 3, 4';

function assertNoCrash(stderr: string): void {
  assert.doesNotMatch(stderr, /internal error|\n\s+at /, 'no stack trace');
}

test('a job output truncated or removed is found by report, --verify and the resume, which redoes that job and those after it', async () => {
  const { dir, config } = await tinyExperiment('changed-outputs');
  const args = ['al-run', '--config', config, '--methods', 'random', '--seeds', '1'];
  args.push('--budget', '2');
  // The run folder's name is the experiment's name: the copy keeps it.
  const clean = join(dir, 'clean', 'run');
  assert.equal((await runSentinel([...args, '--out', clean])).exitCode, 0);
  const verified = await runSentinel(['report', '--run', clean, '--verify']);
  assert.equal(verified.exitCode, 0, verified.stderr);
  assert.match(verified.stdout, /all as recorded/);

  const run = join(dir, 'copy', 'run');
  cpSync(clean, run, { recursive: true });
  const masks = join(run, 'jobs', 'predict__pool__m0', 'out');
  const mask = join(masks, readdirSync(masks).sort()[0]!);
  truncateSync(mask, 100);

  const reported = await runSentinel(['report', '--run', run, '--out', join(dir, 'report')]);
  assert.equal(reported.exitCode, 0, reported.stderr);
  assert.match(reported.stderr, /warning: files of \d+ finished job\(s\) were removed or changed/);
  assert.match(
    reported.stderr,
    /predict\/pool\/m0: .*mask\.nii\.gz changed \(\d+ bytes recorded, 100 now\)/,
  );
  const check = await runSentinel(['report', '--run', run, '--verify']);
  assert.equal(check.exitCode, 1, check.stderr);
  assert.match(check.stderr, /must run again/);
  assertNoCrash(check.stderr);

  const resumed = await runSentinel([...args, '--out', run]);
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  assert.match(
    resumed.stderr,
    /run again because files they wrote or read were removed or changed/,
  );
  assert.match(resumed.stderr, /and \d+ job\(s\) that started after it: .*score\/random/);
  assertNoCrash(resumed.stderr);
  const db = join(run, 'sentinel.db');
  assert.deepEqual(queryRun(db, METRICS), queryRun(join(clean, 'sentinel.db'), METRICS));
  assert.deepEqual(queryRun(db, SCORES), queryRun(join(clean, 'sentinel.db'), SCORES));
  assert.equal((await runSentinel(['report', '--run', run, '--verify'])).exitCode, 0);

  // A job's folder removed: the same, where it used to be a "bug: already done" for good.
  rmSync(join(run, 'jobs', 'predict__pool__m0'), { recursive: true });
  const again = await runSentinel([...args, '--out', run]);
  assert.equal(again.exitCode, 0, again.stderr);
  assert.match(again.stderr, /predict\/pool\/m0: its folder .* is missing/);
  assert.deepEqual(queryRun(db, METRICS), queryRun(join(clean, 'sentinel.db'), METRICS));
});
