// The demo's mechanism on a small config of the same shape (a pretrained init that knows only
// portal-venous scans, a labeled set of that group, a pool and test set with groups it fails
// on): revising the oracle's worst pool cases must lift the test Dice above the labeled-only
// control in every seed, and the revised ground truth must be what the fine-tune trains on.
// It fails if revision stops helping, e.g. when revised labels no longer reach the fine-tune.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { jobDir } from '../../src/db/job-keys.js';
import { runSentinel } from '../run-cli.js';
import { queryRun, tinyExperiment } from './tiny-config.js';

const SEEDS = 2;
const BUDGET = 4;

test('revising the worst pool cases beats the labeled-only control, with the revised truth in the fine-tune', async (t) => {
  const { dir, config } = await tinyExperiment('revision-helps', '', {
    training: `training:
  pretrained: "{package}/models/reference-init/checkpoint.json"
  finetune: { from: init }`,
    data: `data:
  demo:
    labeled: 4
    pool: 12
    test: 8
    seed: 0
    size: [64, 64, 40]
    mix:
      labeled: { portal-venous: 1 }
      pool: { portal-venous: 0.5, non-contrast: 0.25, arterial: 0.25 }
      test: { portal-venous: 0.25, non-contrast: 0.375, arterial: 0.375 }`,
  });
  const out = `${dir}/runs/revision`;
  const result = await runSentinel([
    'al-run',
    '--config',
    config,
    '--methods',
    'oracle',
    '--seeds',
    String(SEEDS),
    '--budget',
    String(BUDGET),
    '--out',
    out,
  ]);
  assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
  const db = `${out}/sentinel.db`;

  // The fine-tune of each seed trains on the labeled cases and the revised ones, with the
  // revised cases' ground truth (not their pseudo labels).
  const truth = new Map(
    queryRun<{ case_id: string; label_path: string }>(
      db,
      "select case_id, label_path from cases where role = 'pool'",
    ).map((c) => [c.case_id, c.label_path]),
  );
  for (let seed = 0; seed < SEEDS; seed++) {
    const picked = queryRun<{ case_id: string }>(
      db,
      `select case_id from selections where method = 'oracle' and seed = ${seed}`,
    ).map((s) => s.case_id);
    assert.equal(picked.length, BUDGET);
    const request = JSON.parse(
      readFileSync(
        `${jobDir(out, `finetune/oracle/seed=${seed}/budget=${BUDGET}`)}/request.json`,
        'utf8',
      ),
    ) as { cases: { id: string; label: string }[] };
    for (const id of picked) {
      const item = request.cases.find((c) => c.id === id);
      assert.ok(item, `seed ${seed}: the revised case ${id} is in the fine-tune`);
      assert.equal(item.label, truth.get(id), `seed ${seed}: ${id} trains on its ground truth`);
    }
  }

  // Test Dice per seed (mean over cases of the mean over organs): oracle against the control.
  const perSeed = queryRun<{ method: string; seed: number; dsc: number }>(
    db,
    `select method, seed, avg(d) dsc from (
       select method, seed, case_id, avg(dsc) d from metrics
       where organ != '*' and dsc is not null group by method, seed, case_id)
     group by method, seed`,
  );
  const dice = (method: string, seed: number) =>
    perSeed.find((r) => r.method === method && r.seed === seed)?.dsc ?? Number.NaN;
  for (let seed = 0; seed < SEEDS; seed++) {
    const gain = dice('oracle', seed) - dice('labeled-only', seed);
    t.diagnostic(`seed ${seed}: oracle - labeled-only = ${gain.toFixed(4)}`);
    assert.ok(
      gain > 0.03,
      `seed ${seed}: oracle ${dice('oracle', seed).toFixed(4)} vs labeled-only ${dice('labeled-only', seed).toFixed(4)} (gain ${gain.toFixed(4)})`,
    );
  }
});
