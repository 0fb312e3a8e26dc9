import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { execa } from 'execa';
import { packageRoot } from '../../src/package-root.js';
import { loadBundle } from '../../src/qs/bundle.js';
import { caseFromLabelMap } from '../../src/qs/case-sources.js';
import { scoreAllCases } from '../../src/qs/score-cases.js';
import { openQsSession } from '../../src/qs/session.js';
import { makeTempDir, python, runQsTool, torchSkipReason } from './python-tools.js';

// The CI smoke test of the QS training tools: a tiny phantom dataset with engine pseudo labels
// and degradations, a few training steps, a bundle the TypeScript loader and scorer accept.

interface DataReport {
  format: string;
  preprocessing: { inputSize: number; cropMargin: number };
  parts: Record<
    'train' | 'val',
    {
      shards: string[];
      samples: number;
      diceHistogram: number[];
      pseudoLabelQuality: Record<string, unknown>;
    }
  >;
}

const phantomClassMap = {
  '1': 'liver',
  '2': 'spleen',
  '3': 'kidney_left',
  '4': 'kidney_right',
  '5': 'pancreas',
  '6': 'gallbladder',
  '7': 'stomach',
  '8': 'aorta',
  '9': 'inferior_vena_cava',
};

describe('QS training tools (tiny phantoms, a few steps)', { skip: torchSkipReason }, () => {
  const dir = makeTempDir('qs-training');
  const work = path.join(dir, 'work');
  const data = path.join(dir, 'data');
  const bundleDir = path.join(dir, 'bundle');
  let report: DataReport;

  before(async () => {
    const made = await runQsTool('training/make_training_data.py', [
      '--work',
      work,
      '--out',
      data,
      '--sets',
      '5:4:2:32x32x32',
      '--engine-steps',
      '60,300',
      '--degradations',
      '1',
      '--fine-radii',
      '1',
      '--crops',
      '2',
      '--samples',
      '120',
      '--val-samples',
      '40',
      '--val-share',
      '0.25',
      '--input-size',
      '32',
      '--shard-size',
      '50',
      '--seed',
      '3',
    ]);
    assert.equal(made.exitCode, 0, made.stderr);
    report = JSON.parse(readFileSync(path.join(data, 'data.json'), 'utf8')) as DataReport;
    const trained = await runQsTool('training/train.py', [
      '--data',
      data,
      '--out',
      bundleDir,
      '--backbone',
      'resnet18-w8',
      '--epochs',
      '1',
      '--max-steps',
      '3',
      '--batch',
      '16',
      '--seed',
      '1',
    ]);
    assert.equal(trained.exitCode, 0, trained.stderr);
  });

  test('make_training_data.py writes balanced shards of Dice-labelled crops', async () => {
    assert.equal(report.format, 'sentinel-qs-training-data/1');
    assert.equal(report.preprocessing.inputSize, 32);
    assert.equal(report.preprocessing.cropMargin, 20);
    for (const part of ['train', 'val'] as const) {
      const info = report.parts[part];
      assert.ok(info.samples > 0, `${part} has samples`);
      assert.equal(
        info.diceHistogram.reduce((a, b) => a + b, 0),
        info.samples,
      );
      for (const shard of info.shards) assert.ok(existsSync(path.join(data, shard)), shard);
    }
    const kinds = Object.keys(report.parts.train.pseudoLabelQuality);
    assert.ok(kinds.includes('engine-steps300'), kinds.join());
    // --fine-radii 1: the true masks and their 1-voxel erosion and dilation are sources too.
    assert.ok(kinds.includes('fine'), kinds.join());
    // The shards hold [n, 2, 32, 32] float16 inputs and Dice targets in [0, 1].
    const check = await execa(
      python,
      [
        '-c',
        [
          'import sys, numpy as np',
          `z = np.load(${JSON.stringify(path.join(data, report.parts.train.shards[0] as string))})`,
          'assert z["inputs"].dtype == np.float16 and z["inputs"].shape[1:] == (2, 32, 32), z["inputs"].shape',
          'assert 0 <= z["dice"].min() and z["dice"].max() <= 1',
          'assert set(np.unique(z["label"])) <= set(range(1, 10))',
        ].join('\n'),
      ],
      { reject: false },
    );
    assert.equal(check.exitCode, 0, check.stderr);
  });

  test('training crops with equal margins are the inference crops, pixel for pixel', async () => {
    const check = await execa(
      python,
      [
        '-c',
        [
          'import sys, numpy as np',
          `sys.path[:0] = [${JSON.stringify(path.join(packageRoot, 'tools/qs'))}, ${JSON.stringify(path.join(packageRoot, 'tools/qs/training'))}]`,
          'from preprocess import crop_box, preprocess_slice',
          'from bundle import OFFICIAL_PREPROCESSING',
          'from slice_samples import crop_box_margins, network_input',
          'rng = np.random.default_rng(0)',
          'params = {"inputSize": 32, **OFFICIAL_PREPROCESSING}',
          'for _ in range(20):',
          '    mask = np.zeros((48, 40), bool)',
          '    r, c = rng.integers(0, 40), rng.integers(0, 32)',
          '    mask[r:r + rng.integers(1, 9), c:c + rng.integers(1, 9)] = True',
          '    ct = rng.normal(0, 150, mask.shape).astype(np.int16)',
          '    box = crop_box_margins(mask, 20, 20)',
          '    assert box == crop_box(mask, 20), (box, crop_box(mask, 20))',
          '    assert np.array_equal(network_input(ct, mask, box, params), preprocess_slice(ct, mask, params))',
        ].join('\n'),
      ],
      { reject: false },
    );
    assert.equal(check.exitCode, 0, check.stderr);
  });

  test('the loss: Dice-interval weights, same-class optimal pairs, ranking loss zero only when ordered', async () => {
    const check = await execa(
      python,
      [
        '-c',
        [
          'import sys, torch',
          `sys.path[:0] = [${JSON.stringify(path.join(packageRoot, 'tools/qs'))}, ${JSON.stringify(path.join(packageRoot, 'tools/qs/training'))}]`,
          'from losses import sample_weights, optimal_pairs, optimal_pair_ranking_loss',
          'w = sample_weights(torch.tensor([0.0, 0.3, 0.31, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0]))',
          'assert w.tolist() == [7, 7, 5, 5, 3, 3, 2, 2, 1, 1], w.tolist()',
          'e = torch.eye(3)[torch.tensor([0, 1, 0, 2, 1, 2])]',
          'rows, cols = optimal_pairs(e)',
          'assert all(int(i) != int(j) and torch.equal(e[i], e[j]) for i, j in zip(rows, cols)), list(zip(rows, cols))',
          'y = torch.tensor([0.9, 0.2, 0.4, 0.7, 0.8, 0.1]).reshape(-1, 1)',
          'ordered = optimal_pair_ranking_loss(y * 2, y, e).item()',
          'reversed_ = optimal_pair_ranking_loss(-y, y, e).item()',
          'assert ordered == 0.0 and reversed_ > 0.1, (ordered, reversed_)',
        ].join('\n'),
      ],
      { reject: false },
    );
    assert.equal(check.exitCode, 0, check.stderr);
  });

  test('train.py exports a bundle the TypeScript QS path loads and scores with', async () => {
    const bundle = await loadBundle(bundleDir);
    const { manifest } = bundle;
    assert.equal(manifest.backbone, 'resnet18-w8');
    assert.equal(manifest.inputSize, 32);
    assert.equal(manifest.embeddingSize, 16);
    assert.deepEqual(
      manifest.classes.map((c) => c.name),
      Object.values(phantomClassMap),
    );
    assert.equal(bundle.resolveOrgan('kidney_left')?.label, 3);
    assert.equal(bundle.resolveOrgan('postcava')?.label, 9);
    const verification = (
      manifest.provenance as unknown as { verification: { maxAbsDiff: number } }
    ).verification;
    assert.ok(verification.maxAbsDiff <= 1e-4, `ONNX vs torch ${verification.maxAbsDiff}`);
    const training = (
      manifest.provenance as unknown as { training: { steps: number; args: { seed: number } } }
    ).training;
    assert.equal(training.steps, 3);
    assert.equal(training.args.seed, 1);

    const phantoms = path.join(work, 'phantoms-seed5-32x32x32');
    const session = await openQsSession(bundle);
    try {
      const source = await caseFromLabelMap(
        'phantom_0000',
        path.join(phantoms, 'imagesTr/phantom_0000_0000.nii.gz'),
        path.join(phantoms, 'labelsTr/phantom_0000.nii.gz'),
        phantomClassMap,
      );
      const [scored] = await scoreAllCases(bundle, session, [source]);
      const organs = scored?.organs ?? [];
      assert.equal(organs.length, 9);
      assert.ok(organs.some((o) => o.score !== null));
      for (const organ of organs)
        if (organ.score !== null) assert.ok(Number.isFinite(organ.score), organ.organ);
    } finally {
      await session.dispose();
    }
  });

  test('train.py --init fine-tunes from saved weights and records their hash; other widths are a user error', async () => {
    const start = path.join(data, 'best.pth');
    const tuned = path.join(dir, 'tuned');
    const common = ['--data', data, '--epochs', '1', '--max-steps', '2', '--batch', '16'];
    const ok = await runQsTool('training/train.py', [
      ...common,
      '--out',
      tuned,
      '--checkpoint',
      path.join(dir, 'tuned.pth'),
      '--backbone',
      'resnet18-w8',
      '--init',
      start,
      '--skip-verify',
    ]);
    assert.equal(ok.exitCode, 0, ok.stderr);
    const manifest = JSON.parse(readFileSync(path.join(tuned, 'manifest.json'), 'utf8')) as {
      provenance: { training: { initSha256: string; steps: number } };
    };
    const expected = createHash('sha256').update(readFileSync(start)).digest('hex');
    assert.equal(manifest.provenance.training.initSha256, expected);
    assert.equal(manifest.provenance.training.steps, 2);
    const wrong = await runQsTool('training/train.py', [
      ...common,
      '--out',
      path.join(dir, 'wrong'),
      '--backbone',
      'resnet18-w4',
      '--init',
      start,
    ]);
    assert.equal(wrong.exitCode, 2, wrong.stderr);
    assert.match(wrong.stderr, /--init .*best\.pth is not a resnet18-w4 state_dict: size mismatch/);
    assert.doesNotMatch(wrong.stderr, /Traceback/);
  });
});
