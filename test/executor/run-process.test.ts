import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandArgv, placeholdersOf } from '../../src/executor/expand-argv.js';
import { runProcess } from '../../src/executor/run-process.js';
import { isAlive } from './process-alive.js';

const node = process.execPath;
const tempDir = () => mkdtemp(join(tmpdir(), 'run-process-'));

// A node program that starts a grandchild sleeping for a minute (in its own session when
// `escaped`), writes the grandchild's pid to `pidFile`, then runs `then`.
function withGrandchild(pidFile: string, then: string, escaped = false): string[] {
  const code = `const {spawn}=require('child_process');const fs=require('fs');
const g=spawn(process.execPath,['-e','process.on("SIGTERM",()=>{});setTimeout(()=>{},60000)'],{stdio:'ignore',detached:${escaped}});
fs.writeFileSync(${JSON.stringify(pidFile)},String(g.pid));${then}`;
  return [node, '-e', code];
}

test('a successful run writes stdout and stderr to the log and passes env and cwd', async () => {
  const dir = await tempDir();
  const logPath = join(dir, 'logs', 'job.log');
  const result = await runProcess({
    argv: [
      node,
      '-e',
      'console.log("out", process.env.SENTINEL_TEST, process.cwd()); console.error("err")',
    ],
    logPath,
    cwd: dir,
    env: { SENTINEL_TEST: 'a value with spaces' },
  });
  assert.equal(result.ok, true);
  const log = await readFile(logPath, 'utf8');
  assert.match(log, new RegExp(`out a value with spaces ${dir}`));
  assert.match(log, /^err$/m);
  assert.ok(result.cost.wallSeconds > 0);
});

test('a non-zero exit is a failure with its code and the log tail', async () => {
  const dir = await tempDir();
  const result = await runProcess({
    argv: [node, '-e', 'console.error("something broke"); process.exit(3)'],
    logPath: join(dir, 'job.log'),
  });
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.equal(result.reason, 'exit');
  assert.equal(result.exitCode, 3);
  assert.match(result.message, /exited with code 3/);
  assert.match(result.logTail, /something broke/);
});

test('a process killed by a signal is a failure with the signal', async () => {
  const result = await runProcess({
    argv: [node, '-e', 'process.kill(process.pid, "SIGKILL")'],
    logPath: join(await tempDir(), 'job.log'),
  });
  assert.ok(!result.ok);
  assert.equal(result.reason, 'signal');
  assert.equal(result.signal, 'SIGKILL');
});

test('a program that does not exist is a spawn failure', async () => {
  const result = await runProcess({
    argv: ['/no/such/program', 'x'],
    logPath: join(await tempDir(), 'job.log'),
  });
  assert.ok(!result.ok);
  assert.equal(result.reason, 'spawn');
  assert.match(result.message, /ENOENT/);
});

test('a timeout stops the whole process group, even a grandchild that ignores SIGTERM', async () => {
  const dir = await tempDir();
  const pidFile = join(dir, 'grandchild.pid');
  const result = await runProcess({
    argv: withGrandchild(pidFile, 'process.on("SIGTERM",()=>{});setTimeout(()=>{},60000)'),
    logPath: join(dir, 'job.log'),
    timeoutSeconds: 1,
    killGraceSeconds: 0.5,
  });
  assert.ok(!result.ok);
  assert.equal(result.reason, 'timeout');
  assert.match(result.message, /timed out after 1 s/);
  assert.equal(isAlive(Number(await readFile(pidFile, 'utf8'))), false);
});

test('aborting the signal cancels the run', async () => {
  const dir = await tempDir();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const result = await runProcess({
    argv: [node, '-e', 'setTimeout(()=>{},60000)'],
    logPath: join(dir, 'job.log'),
    signal: controller.signal,
  });
  assert.ok(!result.ok);
  assert.equal(result.reason, 'cancelled');
});

test('processes left behind by a finished job are killed, in its group or escaped from it', async () => {
  for (const escaped of [false, true]) {
    const dir = await tempDir();
    const pidFile = join(dir, 'grandchild.pid');
    const result = await runProcess({
      // Waits so that the meter has seen the grandchild as part of the tree (its pass over /proc
      // can lag on a loaded machine: 500 ms was too short there), then exits while the
      // grandchild sleeps on. unref: without it the job would wait the grandchild's minute out
      // and find it gone by itself, and nothing would be left behind to kill.
      argv: withGrandchild(pidFile, 'g.unref();setTimeout(()=>{},2000)', escaped),
      logPath: join(dir, 'job.log'),
    });
    assert.equal(result.ok, true);
    assert.equal(isAlive(Number(await readFile(pidFile, 'utf8'))), false, `escaped: ${escaped}`);
  }
});

test('argv templates expand per element, never splitting a value', () => {
  const template = ['node', '{package}/main.js', '{action}', '--request={request}'];
  assert.deepEqual(placeholdersOf(template), ['package', 'action', 'request']);
  assert.deepEqual(
    expandArgv(template, { package: '/p q', action: 'train', request: '/r; rm -rf /' }),
    ['node', '/p q/main.js', 'train', '--request=/r; rm -rf /'],
  );
  assert.throws(() => expandArgv(['{nope}'], { request: 'r' }), /unknown placeholder \{nope\}/);
});
