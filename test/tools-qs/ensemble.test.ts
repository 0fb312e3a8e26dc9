import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { execa } from 'execa';
import { packageRoot } from '../../src/package-root.js';
import { loadBundle } from '../../src/qs/bundle.js';
import {
  makeTempDir,
  maxAbsDiff,
  python,
  runOnnx,
  runQsTool,
  torchSkipReason,
} from './python-tools.js';

// export_ensemble.py: two small QS networks of different widths in one ONNX graph whose `dice`
// is the mean of theirs, in a bundle the TypeScript loader accepts.

const size = 32;
const embeddingSize = 16;

// Two seeded random members (w8, w4) as state_dicts, and each alone as an ONNX model.
const makeMembers = (dir: string) =>
  [
    'import sys, torch',
    `sys.path[:0] = [${JSON.stringify(path.join(packageRoot, 'tools/qs'))}, ${JSON.stringify(path.join(packageRoot, 'tools/qs/training'))}]`,
    'from small_network import build_small_network',
    'from onnx_export import export_onnx',
    `for name, seed in (("resnet18-w8", 1), ("resnet18-w4", 2)):`,
    `    model = build_small_network(name, ${embeddingSize}, seed=seed).eval()`,
    `    torch.save(model.state_dict(), ${JSON.stringify(dir)} + f"/{name}.pth")`,
    `    export_onnx(model, ${JSON.stringify(dir)} + f"/{name}.onnx", ${size}, ${embeddingSize})`,
  ].join('\n');

// Deterministic pseudo-random inputs (a tiny LCG), so the test needs no seed library.
function randomInputs(count: number): { image: Float32Array; embedding: Float32Array } {
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const image = Float32Array.from({ length: count * 2 * size * size }, () => 4 * next());
  const embedding = new Float32Array(count * embeddingSize);
  for (let i = 0; i < count; i++) embedding[i * embeddingSize + (i % 9)] = 1;
  return { image, embedding };
}

describe('QS ensemble export (two random members)', { skip: torchSkipReason }, () => {
  const dir = makeTempDir('qs-ensemble');
  const out = path.join(dir, 'bundle');

  before(async () => {
    const made = await execa(python, ['-c', makeMembers(dir)], { reject: false });
    assert.equal(made.exitCode, 0, made.stderr);
  });

  test('the bundle`s dice is the mean of the members` outputs', async () => {
    const exported = await runQsTool('training/export_ensemble.py', [
      '--out',
      out,
      '--member',
      `resnet18-w8:${path.join(dir, 'resnet18-w8.pth')}`,
      '--member',
      `resnet18-w4:${path.join(dir, 'resnet18-w4.pth')}`,
      '--input-size',
      String(size),
    ]);
    assert.equal(exported.exitCode, 0, exported.stderr);
    const bundle = await loadBundle(out);
    assert.equal(bundle.manifest.backbone, 'ensemble(resnet18-w8,resnet18-w4)');
    assert.equal(bundle.manifest.inputSize, size);
    assert.equal(bundle.resolveOrgan('gallbladder')?.label, 6);
    const members = (
      bundle.manifest.provenance as unknown as {
        ensemble: { members: { backbone: string; checkpointSha256: string }[] };
      }
    ).ensemble.members;
    assert.deepEqual(
      members.map((m) => m.backbone),
      ['resnet18-w8', 'resnet18-w4'],
    );
    assert.match(members[0]?.checkpointSha256 ?? '', /^[0-9a-f]{64}$/);

    const count = 5;
    const { image, embedding } = randomInputs(count);
    const a = await runOnnx(path.join(dir, 'resnet18-w8.onnx'), image, embedding, count);
    const b = await runOnnx(path.join(dir, 'resnet18-w4.onnx'), image, embedding, count);
    const ensemble = await runOnnx(path.join(out, 'model.onnx'), image, embedding, count);
    assert.deepEqual(ensemble.dims, [count, 1]);
    const mean = Array.from(a.dice, (value, i) => (value + (b.dice[i] as number)) / 2);
    assert.ok(
      maxAbsDiff(ensemble.dice, mean) < 1e-5,
      `ensemble vs mean ${maxAbsDiff(ensemble.dice, mean)}`,
    );
    // The members differ, so the mean is neither of them.
    assert.ok(maxAbsDiff(a.dice, b.dice) > 1e-3, 'members give different outputs');
  });

  test('one member, a malformed member or weights of another width: a one-line error, exit 2', async () => {
    const w8 = path.join(dir, 'resnet18-w8.pth');
    const cases: [string[], RegExp][] = [
      [['--member', `resnet18-w8:${w8}`], /needs 2 or more --member/],
      [['--member', w8, '--member', `resnet18-w8:${w8}`], /is not BACKBONE:STATE_DICT/],
      [
        ['--member', `resnet18-w8:${w8}`, '--member', `resnet18-w8:${path.join(dir, 'none.pth')}`],
        /none\.pth not found/,
      ],
      [
        ['--member', `resnet18-w8:${w8}`, '--member', `resnet18-w16:${w8}`],
        /is not a resnet18-w16 state_dict/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runQsTool('training/export_ensemble.py', [
        '--out',
        path.join(dir, 'bad'),
        ...args,
      ]);
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /Traceback/);
    }
  });
});
