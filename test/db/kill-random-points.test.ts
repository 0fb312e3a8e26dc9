import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { tempDatabasePath } from './sample-experiment.js';

const childProgram = fileURLToPath(new URL('./db-child-process.js', import.meta.url));
const KILLS = 30;
const ROWS_PER_JOB = 300 * 4;

// A fixed pseudo-random sequence in [0, 1), so a failure can be replayed.
function randomSequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

// Starts the writer, SIGKILLs it `delayMs` after it is ready, and returns the jobs it said were
// committed.
async function writeAndKill(path: string, delayMs: number): Promise<string[]> {
  const child = spawn(process.execPath, [childProgram, 'record-jobs', path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  while (!stdout.includes('ready\n') && child.exitCode === null) await sleep(5);
  await sleep(delayMs);
  child.kill('SIGKILL');
  await exited;
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('done '))
    .map((line) => line.slice('done '.length));
}

test('SIGKILL at random points inside database writes, many times, never loses a finished job nor leaves half of one', async () => {
  const path = tempDatabasePath();
  const random = randomSequence(20);
  const committed = new Set<string>();
  let killedMidJob = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    for (const key of await writeAndKill(path, random() * 250)) committed.add(key);
    const db = new Database(path);
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const jobs = db
        .prepare(
          "SELECT j.key, j.status, j.method, (SELECT count(*) FROM scores s WHERE s.method = j.method) AS n FROM jobs j WHERE j.key LIKE 'job/%'",
        )
        .all() as { key: string; status: string; n: number }[];
      const done = new Set(jobs.filter((j) => j.status === 'done').map((j) => j.key));
      for (const key of committed) assert.ok(done.has(key), `${key} was committed, then lost`);
      if (jobs.some((j) => j.status === 'running')) killedMidJob++;
      for (const job of jobs) {
        const expected = job.status === 'done' ? ROWS_PER_JOB : 0;
        assert.equal(job.n, expected, `${job.key} (${job.status}) has ${job.n} score rows`);
      }
    } finally {
      db.close();
    }
  }
  assert.ok(committed.size >= KILLS / 2, `${committed.size} jobs committed across the kills`);
  assert.ok(killedMidJob >= KILLS / 3, `only ${killedMidJob} kills landed inside a job's writes`);
});
