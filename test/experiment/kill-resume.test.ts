import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runSentinel, sentinelBin } from '../run-cli.js';
import { queryRun, tinyExperiment } from './tiny-config.js';

const METRICS =
  'select method, seed, budget, case_id, organ, dsc, nsd from metrics order by method, seed, budget, case_id, organ';

function doneJobs(db: string): number {
  if (!existsSync(db)) return 0;
  try {
    return (
      queryRun<{ n: number }>(db, "select count(*) n from jobs where status = 'done'")[0]?.n ?? 0
    );
  } catch {
    return 0; // the database is being created
  }
}

// Starts the run and SIGKILLs the orchestrator once `after` jobs are recorded done.
async function runAndKill(args: string[], db: string, after: number): Promise<void> {
  const child = spawn(process.execPath, [sentinelBin, ...args], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  while (child.exitCode === null && doneJobs(db) < after) await sleep(50);
  child.kill('SIGKILL');
  await exited;
}

test('a run SIGKILLed at several points and resumed ends with the same results as an uninterrupted one', async () => {
  const { dir, config } = await tinyExperiment('kill-resume');
  const common = [
    '--config',
    config,
    '--methods',
    'entropy,mc-dropout,random',
    '--seeds',
    '2',
    '--budget',
    '2',
  ];
  const straight = join(dir, 'runs', 'straight');
  const first = await runSentinel(['al-run', ...common, '--out', straight]);
  assert.equal(first.exitCode, 0, first.stderr);
  const expected = queryRun(join(straight, 'sentinel.db'), METRICS);
  assert.ok(expected.length > 0);

  const killed = join(dir, 'runs', 'killed');
  const db = join(killed, 'sentinel.db');
  const args = ['al-run', ...common, '--out', killed];
  for (const after of [1, 6, 14, 22]) await runAndKill(args, db, after);
  const resumed = await runSentinel(args);
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  assert.match(resumed.stderr, /already done/);

  assert.deepEqual(queryRun(db, METRICS), expected, 'identical final metrics');
  assert.deepEqual(queryRun(db, 'pragma integrity_check'), [{ integrity_check: 'ok' }]);
  const duplicates = queryRun(
    db,
    'select key, count(*) n from jobs group by experiment_id, key having n > 1',
  );
  assert.deepEqual(duplicates, []);
  const selections = queryRun<{ n: number }>(db, 'select count(*) n from selections')[0]?.n;
  assert.equal(
    selections,
    3 * 2 * 2,
    'one selection of 2 cases per method and seed, no duplicates',
  );
  const jobs = queryRun<{ status: string }>(db, 'select status from jobs');
  assert.ok(jobs.every((j) => j.status === 'done'));
});

test('Ctrl-C (SIGINT) stops a run with exit 130 and a one-line message, and the rerun completes it', async () => {
  const { dir, config } = await tinyExperiment('sigint');
  const out = join(dir, 'runs', 'interrupted');
  const db = join(out, 'sentinel.db');
  const args = ['al-run', '--config', config, '--methods', 'entropy,mc-dropout,random'];
  args.push('--seeds', '2', '--budget', '2', '--out', out);
  const child = spawn(process.execPath, [sentinelBin, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // Interrupt while the pool predictions run: several jobs are queued or running, and the
  // jobs waiting on them have not been submitted yet.
  while (child.exitCode === null && doneJobs(db) < 1) await sleep(50);
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  assert.match(stderr, /error: interrupted by SIGINT: \d+ job\(s\) not finished/);
  assert.match(stderr, /run the same command again to resume/);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  const resumed = await runSentinel(args);
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  const jobs = queryRun<{ status: string }>(db, 'select status from jobs');
  assert.ok(jobs.every((j) => j.status === 'done'));
});
