import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { testDataSkip } from '../requirements/test-data.js';
import {
  makeTempDir,
  maxAbsDiff,
  officialData,
  officialSkipReason,
  readFloat32,
  readNpyFloat32,
  runOnnx,
  runQsTool,
} from './python-tools.js';

interface Manifest {
  format: string;
  backbone: string;
  modelFile: string;
  modelSha256: string;
  inputSize: number;
  embeddingSize: number;
  huWindow: number[];
  normalisation: { ct: { mean: number; std: number }; mask: { mean: number; std: number } };
  cropMargin: number;
  slicesPerOrgan: number;
  resize: string;
  classes: { label: number; name: string; key: string; embedding: number[] }[];
  aliases: Record<string, number>;
  provenance: { checkpointSha256: string; verification: { maxAbsDiff: number } | null };
}

const officialArgs = [
  '--embeddings',
  path.join(officialData, 'label_embedding.pkl'),
  '--labels',
  path.join(officialData, 'DAP_Atlas_label_name.csv'),
];

// The ONNX model of a bundle against the torch outputs of a probe written with the checkpoint.
async function probeDiff(bundle: string, probe: string): Promise<number> {
  const meta = JSON.parse(readFileSync(path.join(probe, 'probe.json'), 'utf8')) as { n: number };
  const { dice, dims } = await runOnnx(
    path.join(bundle, 'model.onnx'),
    readFloat32(path.join(probe, 'image.f32')),
    readFloat32(path.join(probe, 'embedding.f32')),
    meta.n,
  );
  assert.deepEqual(dims, [meta.n, 1]);
  return maxAbsDiff(dice, readFloat32(path.join(probe, 'dice.f32')));
}

describe(
  'export_official.py (resnet18, random weights, real official files)',
  {
    skip:
      officialSkipReason ??
      testDataSkip(
        'quality-sentinel-official/label_embedding.npy',
        'quality-sentinel-official/totalsegmentator_v1_to_dap.json',
      ),
  },
  () => {
    const dir = makeTempDir('qs-export');
    const checkpoint = path.join(dir, 'random.pth');
    const bundle = path.join(dir, 'bundle');
    let manifest: Manifest;
    let exportOutput = '';

    before(async () => {
      const made = await runQsTool('make_random_checkpoint.py', [
        '--backbone',
        'resnet18',
        '--seed',
        '3',
        '--out',
        checkpoint,
        '--probe',
        path.join(dir, 'probe'),
      ]);
      assert.equal(made.exitCode, 0, made.stderr);
      const exported = await runQsTool('export_official.py', [
        '--checkpoint',
        checkpoint,
        ...officialArgs,
        '--out',
        bundle,
        '--backbone',
        'resnet18',
      ]);
      assert.equal(exported.exitCode, 0, exported.stderr);
      exportOutput = exported.stdout;
      manifest = JSON.parse(readFileSync(path.join(bundle, 'manifest.json'), 'utf8')) as Manifest;
    });

    test('prints its own ONNX-vs-torch check below 1e-4', () => {
      const match = exportOutput.match(/max abs diff ([\d.e+-]+)/);
      assert.ok(match, exportOutput);
      assert.ok(Number(match[1]) <= 1e-4);
      assert.ok(
        manifest.provenance.verification && manifest.provenance.verification.maxAbsDiff <= 1e-4,
      );
    });

    test('the ONNX outputs equal torch to 1e-4 (onnxruntime-node, in this process)', async () => {
      assert.ok((await probeDiff(bundle, path.join(dir, 'probe'))) <= 1e-4);
    });

    test('the manifest carries the official preprocessing', () => {
      assert.equal(manifest.format, 'sentinel-qs-bundle/1');
      assert.equal(manifest.backbone, 'resnet18');
      assert.equal(manifest.inputSize, 256);
      assert.equal(manifest.embeddingSize, 512);
      assert.deepEqual(manifest.huWindow, [-200, 200]);
      assert.deepEqual(manifest.normalisation, {
        ct: { mean: 0.5, std: 0.25 },
        mask: { mean: 0.5, std: 0.5 },
      });
      assert.equal(manifest.cropMargin, 20);
      assert.equal(manifest.slicesPerOrgan, 10);
      assert.equal(manifest.resize, 'pillow-bilinear');
    });

    test('the hashes match the files', () => {
      const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
      assert.equal(manifest.modelSha256, sha(path.join(bundle, manifest.modelFile)));
      assert.equal(manifest.provenance.checkpointSha256, sha(checkpoint));
    });

    test('145 classes whose embeddings are exactly label_embedding.npy', () => {
      const npy = readNpyFloat32(path.join(officialData, 'label_embedding.npy'));
      assert.deepEqual(npy.shape, [145, 512]);
      assert.equal(manifest.classes.length, 145);
      manifest.classes.forEach((entry, row) => {
        assert.equal(entry.label, row);
        assert.equal(entry.embedding.length, 512);
        const expected = npy.data.subarray(row * 512, (row + 1) * 512);
        assert.deepEqual(Float32Array.from(entry.embedding), expected);
        assert.ok(
          entry.embedding.every((v) => Math.fround(v) === v),
          'exact float32 values',
        );
      });
    });

    test('names keep their trailing spaces; keys are normalised', () => {
      const heart = manifest.classes[105]!;
      assert.equal(heart.name, 'heart   ');
      assert.equal(heart.key, 'heart');
      assert.equal(manifest.classes[0]!.key, 'background');
      assert.equal(new Set(manifest.classes.map((c) => c.key)).size, 145);
    });

    test("aliases are the authors' TotalSegmentator v1 map, quirks included", () => {
      const official = JSON.parse(
        readFileSync(path.join(officialData, 'totalsegmentator_v1_to_dap.json'), 'utf8'),
      ) as Record<string, number>;
      assert.deepEqual(manifest.aliases, official);
      assert.equal(Object.keys(manifest.aliases).length, 104);
      assert.equal(manifest.aliases.urinary_bladder, 19);
      assert.equal(manifest.classes[19]!.key, 'prostate');
      assert.equal(manifest.aliases.face, 128);
    });

    test('a `module.`-prefixed checkpoint wrapped in {state_dict} exports the same network (npm script)', async () => {
      const wrapped = path.join(dir, 'wrapped.pth');
      const made = await runQsTool('make_random_checkpoint.py', [
        '--backbone',
        'resnet18',
        '--seed',
        '3',
        '--out',
        wrapped,
        '--module-prefix',
        '--wrap',
        'state_dict',
      ]);
      assert.equal(made.exitCode, 0, made.stderr);
      assert.match(made.stdout, /"prefix": "module\."/);
      const { execa } = await import('execa');
      const { packageRoot } = await import('../../src/package-root.js');
      const second = path.join(dir, 'bundle-wrapped');
      const result = await execa(
        'npm',
        [
          'run',
          '--silent',
          'qs:export-official',
          '--',
          '--checkpoint',
          wrapped,
          ...officialArgs,
          '--out',
          second,
          '--backbone',
          'resnet18',
        ],
        { cwd: packageRoot, reject: false },
      );
      assert.equal(result.exitCode, 0, result.stderr);
      assert.ok((await probeDiff(second, path.join(dir, 'probe'))) <= 1e-4);
    });
  },
);
