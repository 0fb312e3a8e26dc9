import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { groupFileOf } from '../../src/executor/orphan-groups.js';
import { cleanPartialJobs } from '../../src/experiment/clean-partial-jobs.js';
import { isAlive } from './process-alive.js';

const runProcessModule = pathToFileURL(
  join(import.meta.dirname, '../../src/executor/run-process.js'),
).href;

// Waits (up to 30 s) until `done` holds; fails naming `what` otherwise.
async function waitFor(done: () => Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 30_000; !(await done()); await sleep(20)) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
  }
}

// The pids of `parent`'s live children whose command line holds `text` (from /proc).
async function childrenOf(parent: number, text: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'latin1').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'latin1').catch(() => '');
    if (Number(fields[1]) === parent && cmdline.includes(text)) found.push(Number(entry));
  }
  return found;
}

// A stand-in orchestrator: runs an "engine" (a shell that starts a sleeping grandchild and
// records its pid) through the project's runner, in the attempt folder `partial`. Resolves once
// the engine runs and its group is recorded.
async function startStandIn(runDir: string, partial: string) {
  const logPath = join(partial, 'job.log');
  const pidFile = join(runDir, 'engine.pid');
  const script = join(runDir, 'orchestrator.mjs');
  await writeFile(
    script,
    `import { runProcess } from ${JSON.stringify(runProcessModule)};
await runProcess({ argv: ['sh', '-c', 'sleep 120 & echo $! > ${pidFile}; wait'], logPath: ${JSON.stringify(logPath)} });`,
  );
  const orchestrator = spawn(process.execPath, [script], { stdio: 'ignore' });
  // The runner records the group right after the spawn, but the engine runs meanwhile and
  // may write its pid file first: wait for both before the kill.
  const engineText = async () => (existsSync(pidFile) ? readFile(pidFile, 'utf8') : '');
  await waitFor(async () => (await engineText()).trim() !== '', 'the engine wrote its pid');
  await waitFor(async () => existsSync(groupFileOf(logPath)), 'the group is recorded');
  const engine = Number((await engineText()).trim());
  const exited = new Promise((resolve) => orchestrator.on('exit', resolve));
  return { orchestrator, engine, exited };
}

test('an engine orphaned by a SIGKILLed orchestrator (its watchdog killed too) is stopped when the run resumes', async () => {
  const runDir = await mkdtemp(join(tmpdir(), 'orphan-'));
  try {
    const partial = join(runDir, 'jobs', 'predict__pool__m0.partial-999-1');
    const { orchestrator, engine, exited } = await startStandIn(runDir, partial);
    const watchdogs = await childrenOf(orchestrator.pid!, 'watchdog-main');
    assert.equal(watchdogs.length, 1, 'the runner started its watchdog');
    for (const pid of watchdogs) process.kill(pid, 'SIGKILL');
    orchestrator.kill('SIGKILL');
    await exited;
    await sleep(200);
    assert.ok(isAlive(engine), 'the engine outlives the killed orchestrator (its own group)');

    const cleaned = await cleanPartialJobs(runDir);
    assert.equal(cleaned.removed, 1);
    assert.deepEqual(
      cleaned.stopped.map((s) => s.folder),
      [partial],
    );
    for (let i = 0; i < 100 && isAlive(engine); i++) await sleep(20);
    assert.ok(!isAlive(engine), 'the orphaned engine was stopped');
    assert.ok(!existsSync(partial), 'the killed attempt folder was removed');
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
});

test("the runner's watchdog stops the engine within seconds of its orchestrator's SIGKILL", async () => {
  const runDir = await mkdtemp(join(tmpdir(), 'orphan-'));
  try {
    const partial = join(runDir, 'jobs', 'predict__pool__m0.partial-999-1');
    const { orchestrator, engine, exited } = await startStandIn(runDir, partial);
    orchestrator.kill('SIGKILL');
    await exited;
    for (let i = 0; i < 150 && isAlive(engine); i++) await sleep(20);
    assert.ok(!isAlive(engine), 'the engine stopped within 3 s');
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
});

test('a finished child leaves no group record, and a stale record of another group stops nothing', async () => {
  const { runProcess } = await import(runProcessModule);
  const runDir = await mkdtemp(join(tmpdir(), 'orphan-'));
  try {
    const partial = join(runDir, 'jobs', 'train__m0.partial-999-2');
    const logPath = join(partial, 'job.log');
    const result = await runProcess({ argv: ['true'], logPath });
    assert.ok(result.ok);
    assert.ok(!existsSync(groupFileOf(logPath)));
    // A record whose leader is this test's own process but with another start time: a reused
    // pid, which must not be killed.
    await writeFile(groupFileOf(logPath), JSON.stringify({ pgid: process.pid, startTicks: 1 }));
    assert.deepEqual(await cleanPartialJobs(runDir), { removed: 1, stopped: [] });
    assert.ok(isAlive(process.pid));
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
});
