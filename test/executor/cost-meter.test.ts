import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runProcess } from '../../src/executor/run-process.js';
import { fixturePath } from './fixture-paths.js';

// These compare what the meter measured with what the fixture program knows of itself
// (its own peak RSS, CPU time and uptime): the meter's accuracy, not anybody's speed.
const MB = 1024 * 1024;

async function runFixture(args: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'meter-'));
  const logPath = join(dir, 'job.log');
  const result = await runProcess({ argv: [process.execPath, ...args], logPath });
  assert.ok(result.ok, `fixture failed: ${JSON.stringify(result)}`);
  const lines = (await readFile(logPath, 'utf8')).split('\n').filter((l) => l.startsWith('{'));
  return { cost: result.cost, self: JSON.parse(lines.at(-1)!) as Record<string, number> };
}

function within(measured: number, expected: number, fraction: number, what: string) {
  const error = Math.abs(measured - expected) / expected;
  assert.ok(
    error <= fraction,
    `${what}: measured ${measured}, expected ${expected} (off by ${(error * 100).toFixed(1)}%)`,
  );
}

test('one process holding 200 MB for a while: peak RSS within 15%, wall within 10%, CPU plausible', async () => {
  const { cost, self } = await runFixture([fixturePath('meter/allocate.js'), '200', '0.5', '1.5']);
  assert.ok(cost.peakRssBytes !== null && cost.cpuSeconds !== null, 'measured on Linux');
  assert.ok(cost.peakRssBytes >= 200 * MB);
  within(cost.peakRssBytes, self.maxRssBytes!, 0.15, 'peak RSS');
  assert.ok(cost.wallSeconds >= 1.5 + 0.5 / 2);
  within(cost.wallSeconds, self.uptime!, 0.1, 'wall');
  assert.ok(cost.cpuSeconds >= 0.5, `CPU ${cost.cpuSeconds} covers the 0.5 s burned`);
  within(cost.cpuSeconds, self.cpuSeconds!, 0.25, 'CPU');
  assert.equal(cost.diskBytes, 0);
});

test('two forked workers alive together: the peak is the sum over the tree, CPU includes the workers', async () => {
  const { cost, self } = await runFixture([
    fixturePath('meter/fork-workers.js'),
    '2',
    '150',
    '0.5',
    '1.5',
  ]);
  assert.ok(cost.peakRssBytes !== null && cost.cpuSeconds !== null, 'measured on Linux');
  assert.ok(cost.peakRssBytes >= 300 * MB, `peak ${cost.peakRssBytes} holds both workers`);
  within(cost.peakRssBytes, self.rssBytes!, 0.15, 'peak RSS of the tree');
  within(cost.wallSeconds, self.uptime!, 0.1, 'wall');
  assert.ok(cost.cpuSeconds >= 1.0, `CPU ${cost.cpuSeconds} covers both workers' 0.5 s`);
  within(cost.cpuSeconds, self.cpuSeconds!, 0.25, 'CPU');
});

test('bytes written to the output folder are counted', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'meter-'));
  const out = join(dir, 'out');
  const script = `const fs=require('fs');fs.mkdirSync(process.argv[1],{recursive:true});fs.writeFileSync(process.argv[1]+'/a.bin',Buffer.alloc(123456));`;
  const result = await runProcess({
    argv: [process.execPath, '-e', script, out],
    logPath: join(dir, 'job.log'),
    outputs: [out],
  });
  assert.ok(result.ok);
  assert.equal(result.cost.diskBytes, 123456);
});

test('two jobs at once: CPU comes from the samples and still matches each program', async () => {
  const args = [fixturePath('meter/fork-workers.js'), '2', '20', '0.4', '0.5'];
  const [a, b] = await Promise.all([runFixture(args), runFixture(args)]);
  for (const { cost, self } of [a!, b!]) {
    assert.equal(cost.cpuSource, 'sampled');
    assert.ok(cost.cpuSeconds !== null);
    within(cost.cpuSeconds, self.cpuSeconds!, 0.25, 'sampled CPU');
    within(cost.peakRssBytes!, self.rssBytes!, 0.15, 'peak RSS');
  }
});
