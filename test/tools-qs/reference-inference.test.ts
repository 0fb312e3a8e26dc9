import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { testDataSkip } from '../requirements/test-data.js';
import {
  exampleData,
  makeTempDir,
  maxAbsDiff,
  officialData,
  officialSkipReason,
  readFloat32,
  runOnnx,
  runQsTool,
} from './python-tools.js';

interface OrganResult {
  score: number | null;
  slices: number;
  sliceIndices: number[];
  sliceScores: number[];
  label: number | null;
  warning: string | null;
}
interface Reference {
  organs: Record<string, OrganResult>;
  case: { score: number | null; organs: number };
  timing: { slices: number };
}

const organs = [
  'urinary_bladder', // alias quirk: DAP 19 "prostate"
  'prostate', // by normalised name, also 19
  'heart', // by normalised name to "heart   " (trailing spaces), 105
  'gallbladder', // fewer than 10 slices
  'rib_right_7', // 6 slices
  'brain', // empty mask
  'spinal_cord', // no class in the bundle
];

describe(
  'reference_inference.py on the TotalSegmentator example',
  {
    skip:
      officialSkipReason ??
      testDataSkip(
        'totalsegmentator-example/ct.nii.gz',
        'totalsegmentator-example/segmentations',
        'totalsegmentator-example/seg_multilabel.nii.gz',
        'totalsegmentator-example/labels_total.json',
      ),
  },
  () => {
    const dir = makeTempDir('qs-reference');
    const checkpoint = path.join(dir, 'random.pth');
    const bundle = path.join(dir, 'bundle');
    const inputs = path.join(dir, 'inputs');
    let reference: Reference;
    let classes: { label: number; embedding: number[] }[];

    before(async () => {
      const made = await runQsTool('make_random_checkpoint.py', [
        '--seed',
        '7',
        '--out',
        checkpoint,
      ]);
      assert.equal(made.exitCode, 0, made.stderr);
      const exported = await runQsTool('export_official.py', [
        '--checkpoint',
        checkpoint,
        '--embeddings',
        path.join(officialData, 'label_embedding.pkl'),
        '--labels',
        path.join(officialData, 'DAP_Atlas_label_name.csv'),
        '--out',
        bundle,
        '--backbone',
        'resnet18',
        '--skip-verify',
      ]);
      assert.equal(exported.exitCode, 0, exported.stderr);
      classes = (
        JSON.parse(readFileSync(path.join(bundle, 'manifest.json'), 'utf8')) as {
          classes: typeof classes;
        }
      ).classes;
      const ran = await runQsTool('reference_inference.py', [
        '--bundle',
        bundle,
        '--checkpoint',
        checkpoint,
        '--image',
        path.join(exampleData, 'ct.nii.gz'),
        '--segmentations',
        path.join(exampleData, 'segmentations'),
        '--organs',
        organs.join(','),
        '--dump-inputs',
        inputs,
      ]);
      assert.equal(ran.exitCode, 0, ran.stderr);
      reference = JSON.parse(ran.stdout) as Reference;
    });

    test('maps organs to classes by alias, then by normalised name', () => {
      assert.deepEqual(Object.keys(reference.organs).sort(), [...organs].sort());
      assert.equal(reference.organs.urinary_bladder!.label, 19);
      assert.equal(reference.organs.prostate!.label, 19);
      assert.equal(reference.organs.heart!.label, 105);
      assert.equal(reference.organs.spinal_cord!.label, null);
      assert.equal(reference.organs.spinal_cord!.warning, 'no class in bundle');
    });

    test('an empty mask gets no score and a warning', () => {
      assert.deepEqual(
        { score: reference.organs.brain!.score, warning: reference.organs.brain!.warning },
        { score: null, warning: 'empty mask' },
      );
    });

    test('at most 10 slices, spread by floor(len / 10 * i); score = mean of slice outputs', () => {
      for (const [name, organ] of Object.entries(reference.organs)) {
        if (organ.score === null) continue;
        assert.ok(organ.slices >= 1 && organ.slices <= 10, name);
        assert.equal(organ.sliceIndices.length, organ.slices);
        assert.deepEqual(
          [...organ.sliceIndices].sort((a, b) => a - b),
          organ.sliceIndices,
        );
        const mean = organ.sliceScores.reduce((a, b) => a + b, 0) / organ.slices;
        assert.ok(Math.abs(mean - organ.score) < 1e-12, name);
      }
      assert.equal(reference.organs.rib_right_7!.slices, 6);
      const scored = Object.values(reference.organs).filter((o) => o.score !== null);
      assert.equal(reference.case.organs, scored.length);
    });

    test("the bundle's ONNX on the dumped inputs gives the reference slice scores to 1e-4", async () => {
      for (const [name, organ] of Object.entries(reference.organs)) {
        if (organ.score === null) continue;
        const image = readFloat32(path.join(inputs, `${name}.f32`));
        assert.equal(image.length, organ.slices * 2 * 256 * 256);
        const embedding = classes.find((c) => c.label === organ.label)!.embedding;
        const embeddings = new Float32Array(organ.slices * 512);
        for (let i = 0; i < organ.slices; i++) embeddings.set(embedding, i * 512);
        const { dice } = await runOnnx(
          path.join(bundle, 'model.onnx'),
          image,
          embeddings,
          organ.slices,
        );
        assert.ok(maxAbsDiff(dice, organ.sliceScores) <= 1e-4, name);
      }
    });

    test('a label map with a class map gives the same kind of result', async () => {
      const ran = await runQsTool('reference_inference.py', [
        '--bundle',
        bundle,
        '--checkpoint',
        checkpoint,
        '--image',
        path.join(exampleData, 'ct.nii.gz'),
        '--labels',
        path.join(exampleData, 'seg_multilabel.nii.gz'),
        '--class-map',
        path.join(exampleData, 'labels_total.json'),
        '--organs',
        'liver,kidney_left',
      ]);
      assert.equal(ran.exitCode, 0, ran.stderr);
      const result = JSON.parse(ran.stdout) as Reference;
      assert.equal(result.organs.liver!.label, 13);
      assert.equal(result.organs.liver!.slices, 10);
      assert.equal(typeof result.organs.kidney_left!.score, 'number');
    });

    test("its preprocessing equals the authors' torchvision transform chain exactly", async () => {
      const ran = await runQsTool('check_official_transforms.py', [
        '--image',
        path.join(exampleData, 'ct.nii.gz'),
        '--segmentations',
        path.join(exampleData, 'segmentations'),
      ]);
      assert.equal(ran.exitCode, 0, ran.stdout + ran.stderr);
      const check = JSON.parse(ran.stdout) as { slices: number; maxAbsDiff: number };
      assert.ok(check.slices > 0);
      assert.equal(check.maxAbsDiff, 0);
    });
  },
);
