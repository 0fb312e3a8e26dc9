import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../../src/package-root.js';
import { pythonSkipReason } from '../../requirements/python-modules.js';
import { runSentinel } from '../../run-cli.js';

const skip = pythonSkipReason(['nibabel', 'numpy']);
const FAKE = fileURLToPath(
  new URL('../../../../test/engines/nnunet/fixtures/fake-nnunet.py', import.meta.url),
);

// The shipped configs/nnunet.yaml as it is (its own command, `python3` on PATH), with the
// stand-in nnU-Net programs given through params.binDir: engine-check passes train and predict
// (nnU-Net's .npz probabilities included) and skips MC dropout, which the config rules out.
describe('sentinel engine-check with configs/nnunet.yaml and a stand-in nnU-Net', { skip }, () => {
  let dir = '';
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes, with MC dropout skipped', async () => {
    dir = await mkdtemp(join(tmpdir(), 'engine-check-nnunet-'));
    const bin = join(dir, 'bin');
    await mkdir(bin);
    for (const program of [
      'nnUNetv2_predict_from_modelfolder',
      'nnUNetv2_plan_and_preprocess',
      'nnUNetv2_train',
    ]) {
      await symlink(FAKE, join(bin, program));
    }
    const result = await runSentinel(
      [
        'engine-check',
        '--config',
        join(packageRoot, 'configs', 'nnunet.yaml'),
        '--params',
        JSON.stringify({ binDir: bin, device: 'cpu' }),
      ],
      {
        env: { ...process.env, FAKE_NNUNET_LOG: join(dir, 'calls.jsonl') } as Record<
          string,
          string
        >,
      },
    );
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /PASS\s+probabilities: 10 channels/);
    assert.match(result.stdout, /SKIP\s+MC samples: supportsMcDropout is false/);
  });
});
