import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { runSentinel } from '../../run-cli.js';
import { PYTHON, pythonSkipReason } from './torch-engine-setup.js';

const skip = await pythonSkipReason(['torch', 'nibabel', 'numpy']);

// The whole active-learning protocol with the torch engine: M0, pool pseudo labels with
// probabilities and MC-dropout samples, entropy / MC-dropout / random scores, selection,
// fine-tuning, Dice and NSD on the test set. Tiny phantoms, one seed, a few steps.
describe('al-run end to end with the torch engine', { skip }, () => {
  let dir = '';
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs every job and records metrics for M0 and each method', async () => {
    dir = await mkdtemp(join(tmpdir(), 'al-run-torch-'));
    const config = join(dir, 'torch.yaml');
    await writeFile(
      config,
      `name: tiny-torch
data:
  demo: { labeled: 2, pool: 3, test: 1, seed: 0, size: [32, 32, 32] }
engine:
  name: torch-unet
  command: ["${PYTHON}", "{package}/engines/torch/sentinel_torch_engine.py", "{action}", "--request", "{request}"]
  supportsMcDropout: true
  probabilityType: uint8
  params: { network: unet, features: 4, patchSize: [16, 16, 16], batchSize: 2, threads: 1, windowBatchSize: 4 }
training:
  m0: { params: { steps: 6 } }
  finetune: { params: { steps: 3 } }
methods: [entropy, mc-dropout, random]
mcDropout: { samples: 2 }
executor: { engineConcurrency: 1, nodeConcurrency: 2, maxAttempts: 1 }
`,
    );
    const out = join(dir, 'run');
    const result = await runSentinel([
      'al-run',
      '--config',
      config,
      '--seeds',
      '1',
      '--budget',
      '1',
      '--out',
      out,
    ]);
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    const db = new Database(join(out, 'sentinel.db'), { readonly: true });
    try {
      const jobs = db.prepare('select key, status from jobs').all() as {
        key: string;
        status: string;
      }[];
      assert.ok(jobs.length > 0 && jobs.every((j) => j.status === 'done'), JSON.stringify(jobs));
      const methods = db.prepare('select distinct method from metrics order by method').all() as {
        method: string;
      }[];
      assert.deepEqual(
        methods.map((m) => m.method),
        ['baseline', 'entropy', 'labeled-only', 'mc-dropout', 'random'],
        'M0 (baseline), the labeled-only control and the three methods',
      );
      const selections = db
        .prepare('select method, count(*) n from selections group by method')
        .all() as { n: number }[];
      assert.equal(selections.length, 3);
      assert.ok(selections.every((s) => s.n === 1));
    } finally {
      db.close();
    }
  });
});
