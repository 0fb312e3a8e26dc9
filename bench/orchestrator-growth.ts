// The orchestrator's own cost against the pool size: an al-run (random and oracle, one seed,
// the fake engine of bench/growth/fake-engine.ts, so the engine costs next to nothing), then
// `sentinel report` and `sentinel score` on the same pool of tiny 16x16x8 cases. Prints, per
// pool size: start-up until the first job (config, dataset, plan), the al-run's wall time, the
// orchestrator's own CPU time and peak RSS (its process alone, from /proc), the per-job overhead
// (a job's recorded span minus the wall time measured around its process), the database size,
// and the report's and score's wall time and peak RSS.
//
//   npm run bench:growth -- [--sizes 100,1000] [--keep]

import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { type Measured, measureCommand } from './growth/measure-command.js';
import { writeTinyDataset } from './growth/tiny-dataset.js';

const { values: opts } = parseArgs({
  options: { sizes: { type: 'string', default: '100,1000' }, keep: { type: 'boolean' } },
});
const sentinel = fileURLToPath(new URL('../src/cli/sentinel.js', import.meta.url));
const fakeEngine = fileURLToPath(new URL('./growth/fake-engine.js', import.meta.url));

interface Row {
  pool: number;
  jobs: number;
  startupS: number;
  run: Measured;
  overheadMs: number;
  worst: string;
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
  const db = join(runDir, 'sentinel.db');
  const { jobs, overheadS, firstStart, worst } = jobFigures(db);
  const dbBytes = (await stat(db)).size;
  const report = await measureCommand(node, [sentinel, 'report', '--run', runDir]);
  const scoreOut = join(dir, 'scores.csv');
  const score = await measureCommand(node, [sentinel, 'score', data, '--out', scoreOut]);
  if (!opts.keep) await rm(dir, { recursive: true, force: true });
  const startupS = (firstStart - run.startedAt) / 1000;
  const overheadMs = (overheadS / jobs) * 1000;
  return { pool, jobs, startupS, run, overheadMs, worst, dbBytes, report, score };
}

// The jobs' count, their summed overhead (recorded span minus metered wall), the job with the
// most overhead, and the first start.
function jobFigures(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db
      .prepare("select key, started_at, finished_at, wall_s from jobs where status = 'done'")
      .all() as { key: string; started_at: string; finished_at: string; wall_s: number }[];
    const overhead = rows.map((r) => ({
      key: r.key,
      s: Math.max(0, (Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000 - r.wall_s),
    }));
    const worst = overhead.reduce((a, b) => (b.s > a.s ? b : a));
    return {
      jobs: rows.length,
      overheadS: overhead.reduce((sum, o) => sum + o.s, 0),
      worst: `${worst.key} ${worst.s.toFixed(2)}`,
      firstStart: Math.min(...rows.map((r) => Date.parse(r.started_at))),
    };
  } finally {
    db.close();
  }
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const rows: Row[] = [];
for (const pool of (opts.sizes ?? '').split(',').map(Number)) {
  process.stderr.write(`pool ${pool}...\n`);
  rows.push(await measurePool(pool));
}
console.log(
  '| pool | jobs | start-up s | al-run s | orch. CPU s | orch. peak RSS MB | orch. CPU ms/case | overhead/job ms | overhead/job/case ms | most overhead (s) | db MB | report s | report RSS MB | score s | score RSS MB |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.pool} | ${r.jobs} | ${r.startupS.toFixed(2)} | ${r.run.wallS.toFixed(1)} | ${r.run.cpuS.toFixed(2)} | ${mb(r.run.peakRssBytes)} | ${((r.run.cpuS / r.pool) * 1000).toFixed(2)} | ${r.overheadMs.toFixed(0)} | ${(r.overheadMs / r.pool).toFixed(2)} | ${r.worst} | ${mb(r.dbBytes)} | ${r.report.wallS.toFixed(1)} | ${mb(r.report.peakRssBytes)} | ${r.score.wallS.toFixed(1)} | ${mb(r.score.peakRssBytes)} |`,
  );
}
console.log(
  'orch. CPU and peak RSS: the orchestrator process alone (engines and node jobs are its children, not counted); overhead/job: recorded span minus the wall metered around the job process (each job handles the whole pool, so it grows with the pool: /case divides it by the pool size). Wall figures stretch on a loaded machine; CPU and RSS much less.',
);
