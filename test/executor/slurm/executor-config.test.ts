import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExecutorConfig } from '../../../src/executor/executor-config.js';
import { sbatchOptions } from '../../../src/executor/slurm/sbatch-options.js';

test('the executor config is local by default, or slurm with its defaults', () => {
  assert.equal(ExecutorConfig.parse({}).kind, 'local');
  assert.deepEqual(ExecutorConfig.parse({ kind: 'slurm' }), {
    kind: 'slurm',
    maxParallel: 16,
    extraArgs: [],
    pollSeconds: 5,
    shardSize: 25,
    maxAttempts: 2,
  });
  const bad = ExecutorConfig.safeParse({ kind: 'slurm', mem: 'lots', engineConcurrency: 2 });
  assert.equal(bad.success, false);
  const paths = bad.error?.issues.map((i) => i.path.join('.') || i.message);
  assert.ok(paths?.includes('mem'), JSON.stringify(paths));
});

test('sbatch options: resources for every job, gres for engine jobs only, extraArgs last', () => {
  const config = ExecutorConfig.parse({
    kind: 'slurm',
    partition: 'gpu',
    account: 'lab',
    gres: 'gpu:1',
    cpus: 4,
    mem: '16G',
    time: '02:00:00',
    maxParallel: 3,
    extraArgs: ['--qos=short'],
  });
  if (config.kind !== 'slurm') throw new Error('unreachable');
  const common = { name: 'sentinel:x', workDir: '/w', slurmOutput: '/w/o' };
  const engine = sbatchOptions(config, { ...common, pool: 'engine', arraySize: 5 });
  assert.deepEqual(engine, [
    '--job-name=sentinel:x',
    '--chdir=/w',
    '--output=/w/o',
    '--ntasks=1',
    '--partition=gpu',
    '--account=lab',
    '--cpus-per-task=4',
    '--mem=16G',
    '--time=02:00:00',
    '--gres=gpu:1',
    '--array=0-4%3',
    '--qos=short',
  ]);
  const node = sbatchOptions(config, { ...common, pool: 'node' });
  assert.ok(!node.some((o) => o.startsWith('--gres') || o.startsWith('--array')));
});
