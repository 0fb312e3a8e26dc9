import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { execa } from 'execa';
import {
  makeTempDir,
  officialData,
  officialSkipReason,
  python,
  runQsTool,
} from './python-tools.js';

// Asserts a user error: exit code 2, one line on stderr matching `pattern`, no traceback.
function assertOneLineError(result: { exitCode: number; stderr: string }, pattern: RegExp) {
  assert.equal(result.exitCode, 2, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /Traceback/);
}

describe('export_official.py fails clearly', { skip: officialSkipReason }, () => {
  const dir = makeTempDir('qs-export-errors');
  const resnet18 = path.join(dir, 'resnet18.pth');
  const embeddings = path.join(officialData, 'label_embedding.pkl');
  const labels = path.join(officialData, 'DAP_Atlas_label_name.csv');
  const exportWith = (checkpoint: string, extra: string[] = []) =>
    runQsTool('export_official.py', [
      '--checkpoint',
      checkpoint,
      '--embeddings',
      embeddings,
      '--labels',
      labels,
      '--out',
      path.join(dir, 'out'),
      ...extra,
    ]);

  before(async () => {
    const made = await runQsTool('make_random_checkpoint.py', ['--out', resnet18]);
    assert.equal(made.exitCode, 0, made.stderr);
  });

  test('on a missing checkpoint', async () => {
    assertOneLineError(
      await exportWith(path.join(dir, 'nope.pth')),
      /checkpoint not found: .*nope\.pth/,
    );
  });

  test('on a missing embeddings file', async () => {
    const result = await runQsTool('export_official.py', [
      '--checkpoint',
      resnet18,
      '--embeddings',
      path.join(dir, 'none.pkl'),
      '--labels',
      labels,
      '--out',
      path.join(dir, 'out'),
    ]);
    assertOneLineError(result, /embeddings file not found/);
  });

  test('on a checkpoint of another backbone, naming keys and shapes and the backbone that fits', async () => {
    const result = await exportWith(resnet18);
    assertOneLineError(
      result,
      /not a resnet50 QS checkpoint: \d+ missing keys \(e\.g\. net\.layer1\.0\.conv3\.weight.*shape mismatches.*--backbone resnet18/,
    );
  });

  test('on a checkpoint that holds no state_dict', async () => {
    const odd = path.join(dir, 'odd.pth');
    await execa(python, [
      '-c',
      `import torch; torch.save({"epoch": 3, "lr": 0.1}, ${JSON.stringify(odd)})`,
    ]);
    assertOneLineError(
      await exportWith(odd),
      /holds a dict without a state_dict \(top-level keys: epoch, lr\)/,
    );
  });

  test('on a file that is not a checkpoint', async () => {
    assertOneLineError(await exportWith(labels), /cannot read checkpoint/);
  });
});
