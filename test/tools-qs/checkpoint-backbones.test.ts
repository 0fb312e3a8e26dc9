import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { packageRoot } from '../../src/package-root.js';
import { makeTempDir, python, runQsTool, torchSkipReason } from './python-tools.js';

// The torch reference builds every backbone a shipped bundle names: the narrow resnet18-wN of
// models/qs-phantom and an ensemble(A,B) of them (its members averaged), from random checkpoints
// (tools/qs/make_random_checkpoint.py), with a hint when a checkpoint is of another backbone.

// Runs Python with tools/qs on the path; returns its JSON output.
async function runPythonJson(code: string): Promise<Record<string, unknown>> {
  const result = await execa(python, ['-c', code], { cwd: path.join(packageRoot, 'tools/qs') });
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('torch reference backbones', { skip: torchSkipReason }, () => {
  const dir = makeTempDir('qs-backbones');

  test('a random resnet18-w8 checkpoint loads back into the same network', async () => {
    const file = path.join(dir, 'w8.pth');
    const made = await runQsTool('make_random_checkpoint.py', [
      ...['--out', file, '--backbone', 'resnet18-w8', '--embedding-size', '16', '--seed', '2'],
    ]);
    assert.equal(made.exitCode, 0, made.stderr);
    const out = await runPythonJson(`
import json, torch
from checkpoint import load_network
model = load_network(${JSON.stringify(file)}, "resnet18-w8", 16)
torch.manual_seed(0)
dice = model(torch.randn(3, 2, 32, 32), torch.eye(16)[:3])
print(json.dumps({"shape": list(dice.shape), "conv1": list(model.conv1.weight.shape),
                  "spread": float(dice.max() - dice.min())}))`);
    assert.deepEqual(out.shape, [3, 1]);
    assert.deepEqual(out.conv1, [8, 2, 7, 7]);
    assert.ok((out.spread as number) > 0, 'outputs differ between inputs');
  });

  test('an ensemble(A,B) averages its members and loads members.N.* state_dicts', async () => {
    const file = path.join(dir, 'ensemble.pth');
    const backbone = 'ensemble(resnet18-w8,resnet18-w4)';
    const made = await runQsTool('make_random_checkpoint.py', [
      ...['--out', file, '--backbone', backbone, '--embedding-size', '16', '--seed', '3'],
    ]);
    assert.equal(made.exitCode, 0, made.stderr);
    const out = await runPythonJson(`
import json, torch
from checkpoint import load_network
model = load_network(${JSON.stringify(file)}, ${JSON.stringify(backbone)}, 16)
torch.manual_seed(0)
x, e = torch.randn(4, 2, 32, 32), torch.eye(16)[:4]
with torch.no_grad():
    whole = model(x, e)
    parts = [m(x, e) for m in model.members]
print(json.dumps({"members": [m.backbone for m in model.members],
                  "diff": float((whole - (parts[0] + parts[1]) / 2).abs().max()),
                  "apart": float((parts[0] - parts[1]).abs().max())}))`);
    assert.deepEqual(out.members, ['resnet18-w8', 'resnet18-w4']);
    assert.ok((out.diff as number) < 1e-6, `ensemble = mean of members (${out.diff})`);
    assert.ok((out.apart as number) > 1e-3, 'the members differ');
  });

  test('a checkpoint of a narrow backbone named as another one gets the fitting name', async () => {
    const file = path.join(dir, 'w8-again.pth');
    await runQsTool('make_random_checkpoint.py', [
      ...['--out', file, '--backbone', 'resnet18-w8', '--embedding-size', '16'],
    ]);
    const result = await execa(
      python,
      [
        '-c',
        `from checkpoint import load_network; load_network(${JSON.stringify(file)}, "resnet18", 16)`,
      ],
      { cwd: path.join(packageRoot, 'tools/qs'), reject: false },
    );
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /not a resnet18 QS checkpoint: .*it fits --backbone resnet18-w8/);
    const unknown = await runQsTool('make_random_checkpoint.py', [
      ...['--out', path.join(dir, 'x.pth'), '--backbone', 'resnet18-w0'],
    ]);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /unknown backbone 'resnet18-w0'; valid: .*resnet18-wN/);
  });
});
