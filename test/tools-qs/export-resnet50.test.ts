import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  makeTempDir,
  maxAbsDiff,
  officialData,
  officialSkipReason,
  readFloat32,
  runOnnx,
  runQsTool,
} from './python-tools.js';

test(
  'the official resnet50 network has 335 state_dict keys and exports to ONNX within 1e-4',
  {
    skip: officialSkipReason,
  },
  async () => {
    const dir = makeTempDir('qs-resnet50');
    const checkpoint = path.join(dir, 'resnet50.pth');
    const probe = path.join(dir, 'probe');
    const made = await runQsTool('make_random_checkpoint.py', [
      '--backbone',
      'resnet50',
      '--seed',
      '5',
      '--out',
      checkpoint,
      '--probe',
      probe,
    ]);
    assert.equal(made.exitCode, 0, made.stderr);
    assert.equal((JSON.parse(made.stdout) as { keys: number }).keys, 335);

    const bundle = path.join(dir, 'bundle');
    const exported = await runQsTool('export_official.py', [
      '--checkpoint',
      checkpoint,
      '--embeddings',
      path.join(officialData, 'label_embedding.pkl'),
      '--labels',
      path.join(officialData, 'DAP_Atlas_label_name.csv'),
      '--out',
      bundle,
    ]);
    assert.equal(exported.exitCode, 0, exported.stderr);
    const manifest = JSON.parse(readFileSync(path.join(bundle, 'manifest.json'), 'utf8')) as {
      backbone: string;
      name: string;
    };
    assert.equal(manifest.backbone, 'resnet50');
    assert.equal(manifest.name, 'quality-sentinel-official-resnet50');

    const { dice } = await runOnnx(
      path.join(bundle, 'model.onnx'),
      readFloat32(path.join(probe, 'image.f32')),
      readFloat32(path.join(probe, 'embedding.f32')),
      3,
    );
    assert.ok(maxAbsDiff(dice, readFloat32(path.join(probe, 'dice.f32'))) <= 1e-4);
  },
);
