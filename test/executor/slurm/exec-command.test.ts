import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSentinel } from '../../run-cli.js';

// `sentinel exec` is what a batch job runs: the task (by index) metered here, its status file.
test('sentinel exec runs the task of its index and writes its status and cost', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'exec-command-'));
  const tasks = [0, 4].map((code, i) => ({
    argv: [
      process.execPath,
      '-e',
      `require('fs').writeFileSync('${dir}/out-${i}', 'x'.repeat(1000)); process.exit(${code})`,
    ],
    logPath: join(dir, `task-${i}.log`),
    outputs: [dir],
    env: { TASK_NAME: `task-${i}` },
    status: join(dir, `status-${i}.json`),
  }));
  const file = join(dir, 'tasks.json');
  await writeFile(file, JSON.stringify(tasks));

  const ok = await runSentinel(['exec', '--tasks', file], { env: { SLURM_ARRAY_TASK_ID: '0' } });
  assert.equal(ok.exitCode, 0, ok.stderr);
  const status0 = JSON.parse(await readFile(join(dir, 'status-0.json'), 'utf8'));
  assert.equal(status0.ok, true);
  assert.ok(
    status0.cost.wallSeconds > 0 && status0.cost.diskBytes >= 1000,
    JSON.stringify(status0),
  );

  const failed = await runSentinel(['exec', '--tasks', file, '--index', '1']);
  assert.equal(failed.exitCode, 4, 'the task exit code');
  const status1 = JSON.parse(await readFile(join(dir, 'status-1.json'), 'utf8'));
  assert.equal(status1.ok, false);
  assert.equal(status1.reason, 'exit');
  assert.equal(status1.exitCode, 4);
  assert.match(await readFile(join(dir, 'task-1.log'), 'utf8'), /exited with code 4/);

  const missing = await runSentinel(['exec', '--tasks', file, '--index', '2']);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /has no task 2/);
});
