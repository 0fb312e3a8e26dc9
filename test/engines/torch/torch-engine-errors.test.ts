import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pythonSkipReason, runTorchEngine } from './torch-engine-setup.js';

const skip = await pythonSkipReason(['torch', 'nibabel', 'numpy']);

// User mistakes give one line on stderr (no traceback) and a non-zero exit.
describe('torch engine errors', { skip }, () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'torch-errors-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // Writes a train request (with overrides) and runs the engine on it.
  async function train(overrides: Record<string, unknown>, env: Record<string, string> = {}) {
    const request = {
      contract: 'sentinel-engine/1',
      action: 'train',
      init: null,
      cases: [
        { id: 'a', image: join(dir, 'missing.nii.gz'), label: join(dir, 'missing-label.nii.gz') },
      ],
      classes: { '1': 'liver' },
      seed: 0,
      checkpoint: join(dir, 'model.pt'),
      response: join(dir, 'response.json'),
      workdir: dir,
      params: {},
      ...overrides,
    };
    const path = join(dir, 'request.json');
    await writeFile(path, JSON.stringify(request));
    return runTorchEngine(['train', '--request', path], env);
  }

  function assertOneLineError(result: { exitCode: number; stderr: string }, pattern: RegExp) {
    assert.notEqual(result.exitCode, 0);
    assert.doesNotMatch(result.stderr, /Traceback/);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, pattern);
  }

  it('names a missing image file', async () => {
    assertOneLineError(await train({}), /case a: image file not found: .*missing\.nii\.gz/);
  });

  it('names a field that breaks the contract', async () => {
    assertOneLineError(await train({ seed: -1 }), /seed: expected a non-negative integer/);
    assertOneLineError(
      await train({ contract: 'sentinel-engine/0' }),
      /contract: expected 'sentinel-engine\/1'/,
    );
    assertOneLineError(await train({ cases: [] }), /cases: expected at least one case/);
  });

  it('refuses an unknown network and an unknown parameter', async () => {
    const image = join(dir, 'image.nii.gz');
    await writeFile(image, 'not a nifti');
    const cases = [{ id: 'a', image, label: image }];
    assertOneLineError(
      await train({ cases, params: { network: 'resnet' } }),
      /unknown network 'resnet' in params\.network \(valid: unet, swinunetr\)/,
    );
    assertOneLineError(
      await train({ cases, params: { stpes: 3 } }),
      /unknown engine parameter params\.stpes/,
    );
    assertOneLineError(
      await train({ cases, params: { patchSize: [30, 32, 32] } }),
      /patchSize: unet needs multiples of 4/,
    );
    assertOneLineError(
      await train({ cases, params: { network: 'swinunetr', patchSize: [32, 32, 32] } }),
      /patchSize: swinunetr needs a 1\/32 bottleneck of more than one voxel .*got \[32, 32, 32\]/,
    );
  });

  it('reports an unreadable image as a user error', async () => {
    const image = join(dir, 'broken.nii.gz');
    await writeFile(image, 'not a nifti');
    assertOneLineError(
      await train({ cases: [{ id: 'a', image, label: image }] }),
      /cannot read NIfTI .*broken\.nii\.gz/,
    );
  });

  it('tells the user to install MONAI for swinunetr', async () => {
    const { makeDemoDataset } = await import('../../../src/phantom/index.js');
    const data = await makeDemoDataset({
      out: join(dir, 'data'),
      labeled: 1,
      pool: 1,
      test: 1,
      seed: 0,
      size: [32, 32, 32],
    });
    const cases = data.labeled.map(({ id, image, label }) => ({ id, image, label }));
    // A `monai` that fails to import stands for a Python without MONAI, installed or not.
    const hidden = join(dir, 'no-monai');
    await mkdir(join(hidden, 'monai'), { recursive: true });
    await writeFile(join(hidden, 'monai', '__init__.py'), 'raise ImportError("hidden")\n');
    assertOneLineError(
      await train(
        { cases, classes: data.classes, params: { network: 'swinunetr', patchSize: [64, 64, 64] } },
        { PYTHONPATH: hidden },
      ),
      /pip install monai/,
    );
  });

  it('rejects a wrong action and a missing --request', async () => {
    assertOneLineError(
      await runTorchEngine(['fit', '--request', join(dir, 'x.json')]),
      /expected one action, train or predict/,
    );
    assertOneLineError(await runTorchEngine(['train']), /missing --request/);
    assertOneLineError(
      await runTorchEngine(['predict', '--request', join(dir, 'none.json')]),
      /request file not found/,
    );
  });
});
