// The orchestrator's own cost against the pool size: an al-run (random and oracle, one seed,
// the fake engine of bench/growth/fake-engine.ts, so the engine costs next to nothing), then
// `sentinel report` and `sentinel score` on the same pool of tiny 16x16x8 cases. Prints, per
// pool size: start-up until the first job (config, dataset, plan), the al-run's wall time, the
// orchestrator's own CPU time and peak RSS (its process alone, from /proc), the overhead of each
// job (its recorded span minus the wall time measured around its process) in two parts: per job
// for the jobs whose work does not grow with the pool, per case handled for the jobs that handle
// the pool (bench/growth/job-overhead.ts), the database size, and the report's and score's wall
// time and peak RSS.
//
//   npm run bench:growth -- [--sizes 100,1000] [--keep]

import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type OverheadFigures, overheadFigures } from './growth/job-overhead.js';
import { type Measured, measureCommand } from './growth/measure-command.js';
import { writeTinyDataset } from './growth/tiny-dataset.js';

const { values: opts } = parseArgs({
  options: { sizes: { type: 'string', default: '100,1000' }, keep: { type: 'boolean' } },
});
const sentinel = fileURLToPath(new URL('../src/cli/sentinel.js', import.meta.url));
const fakeEngine = fileURLToPath(new URL('./growth/fake-engine.js', import.meta.url));

interface Row {
  pool: number;
  startupS: number;
  run: Measured;
  overhead: OverheadFigures;
  dbBytes: number;
  report: Measured;
  score: Measured;
}

async function measurePool(pool: number): Promise<Row> {
  const dir = await mkdtemp(join(tmpdir(), `growth-${pool}-`));
  const data = join(dir, 'data');
  const { dataset, split } = await writeTinyDataset(data, pool);
  const config = join(dir, 'growth.yaml');
  await writeFile(
    config,
    `name: growth
data: { dataset: ${JSON.stringify(dataset)}, split: ${JSON.stringify(split)} }
engine:
  name: fake
  command: ["{node}", ${JSON.stringify(fakeEngine)}, "{action}", "--request", "{request}"]
executor: { engineConcurrency: 1, nodeConcurrency: 1, maxAttempts: 1 }
`,
  );
  const runDir = join(dir, 'run');
  const node = process.execPath;
  const run = await measureCommand(node, [
    ...[sentinel, 'al-run', '--config', config, '--methods', 'random,oracle'],
    ...['--seeds', '1', '--budget', '10', '--out', runDir],
  ]);
  const overhead = overheadFigures(runDir, pool);
  const dbBytes = (await stat(join(runDir, 'sentinel.db'))).size;
  const report = await measureCommand(node, [sentinel, 'report', '--run', runDir]);
  const scoreOut = join(dir, 'scores.csv');
  const score = await measureCommand(node, [sentinel, 'score', data, '--out', scoreOut]);
  if (opts.keep) process.stderr.write(`kept ${dir}\n`);
  else await rm(dir, { recursive: true, force: true });
  const startupS = (overhead.firstStart - run.startedAt) / 1000;
  return { pool, startupS, run, overhead, dbBytes, report, score };
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const rows: Row[] = [];
for (const pool of (opts.sizes ?? '').split(',').map(Number)) {
  process.stderr.write(`pool ${pool}...\n`);
  rows.push(await measurePool(pool));
}
console.log(
  '| pool | jobs | start-up s | al-run s | orch. CPU s | orch. peak RSS MB | orch. CPU ms/case | fixed jobs | fixed overhead median ms | fixed overhead max ms | pool jobs | pool overhead ms/case | worst pool job (ms/case) | db MB | report s | report RSS MB | score s | score RSS MB |',
);
console.log(
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|',
);
for (const r of rows) {
  const { fixed, poolWide } = r.overhead;
  console.log(
    `| ${r.pool} | ${r.overhead.jobs} | ${r.startupS.toFixed(2)} | ${r.run.wallS.toFixed(1)} | ${r.run.cpuS.toFixed(2)} | ${mb(r.run.peakRssBytes)} | ${((r.run.cpuS / r.pool) * 1000).toFixed(2)} | ${fixed.count} | ${fixed.medianMs.toFixed(0)} | ${fixed.maxMs.toFixed(0)} | ${poolWide.count} | ${poolWide.msPerCase.toFixed(3)} | ${poolWide.worst} | ${mb(r.dbBytes)} | ${r.report.wallS.toFixed(1)} | ${mb(r.report.peakRssBytes)} | ${r.score.wallS.toFixed(1)} | ${mb(r.score.peakRssBytes)} |`,
  );
}
console.log(
  [
    'orch. CPU and peak RSS: the orchestrator process alone (engines and node jobs are its children, not counted).',
    "overhead: a job's recorded span minus the wall metered around its process.",
    'fixed jobs: those whose requests list fewer cases than the pool (train, fine-tune, test prediction, evaluation): their overhead should not grow with the pool.',
    "pool jobs: those whose requests list the whole pool (pool prediction, scoring): their summed overhead over the cases they handled, and the worst one's.",
    'Wall figures stretch on a loaded machine; CPU and RSS much less.',
  ].join('\n'),
);
