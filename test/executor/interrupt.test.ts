import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { fixturePath } from './fixture-paths.js';
import { isAlive } from './process-alive.js';

// Pids of live processes whose process group is `pgid` (from /proc).
async function groupMembers(pgid: number): Promise<number[]> {
  const members: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'latin1').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[2]) === pgid) members.push(Number(entry));
  }
  return members;
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGHUP', 129],
] as const) {
  test(`${signal} to the orchestrator (Ctrl-C, a closed terminal) stops the engine and its grandchild: nothing is left running`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interrupt-'));
    const pidFile = join(dir, 'pids.json');
    const orchestrator = execa(
      process.execPath,
      [fixturePath('engines/orchestrator.js'), join(dir, 'job'), pidFile],
      {
        reject: false,
      },
    );
    let pids: { engine: number; grandchild: number } | undefined;
    for (let i = 0; i < 200 && !pids; i++) {
      await new Promise((r) => setTimeout(r, 50));
      pids = await readFile(pidFile, 'utf8').then(JSON.parse, () => undefined);
    }
    assert.ok(pids, 'the engine started and wrote its pids');
    assert.ok(isAlive(pids.engine) && isAlive(pids.grandchild));
    orchestrator.kill(signal);
    const result = await orchestrator;
    assert.equal(result.exitCode, code, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(
        `error: interrupted by ${signal}: 1 job\\(s\\) not finished; every started process was stopped`,
      ),
    );
    assert.match(result.stderr, /hint: run the same command again to resume/);
    assert.equal(isAlive(pids.engine), false, 'engine stopped');
    assert.equal(isAlive(pids.grandchild), false, 'grandchild (which ignores SIGTERM) stopped');
    assert.deepEqual(await groupMembers(pids.engine), [], "no process left in the engine's group");
    assert.match(
      await readFile(join(dir, 'job', 'engine.log'), 'utf8'),
      new RegExp(`cancelled \\(${signal}\\)`),
    );
  });
}
