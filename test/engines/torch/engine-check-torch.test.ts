import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runSentinel } from '../../run-cli.js';
import { PYTHON, pythonSkipReason } from './torch-engine-setup.js';

const skip = await pythonSkipReason(['torch', 'nibabel', 'numpy']);

// The acceptance check: `sentinel engine-check` passes for the torch engine with the
// small U-Net (tiny steps), MC-dropout samples included.
describe('sentinel engine-check with the torch engine', { skip }, () => {
  let dir = '';
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes every check with the small U-Net', async () => {
    dir = await mkdtemp(join(tmpdir(), 'engine-check-torch-'));
    const config = join(dir, 'torch-unet.yaml');
    await writeFile(
      config,
      `# the torch engine with the small U-Net, tiny settings for a test
engine:
  name: torch-unet
  command: ["${PYTHON}", "{package}/engines/torch/sentinel_torch_engine.py", "{action}", "--request", "{request}"]
  supportsMcDropout: true
  probabilityType: uint8
  params: { network: unet, features: 4, patchSize: [16, 16, 16], steps: 6, threads: 1 }
`,
    );
    const result = await runSentinel(['engine-check', '--config', config]);
    assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /ok: all \d+ checks passed/);
    assert.match(result.stdout, /PASS\s+MC samples: differ from each other/);
    assert.match(result.stdout, /PASS\s+probabilities: .*uint8/);
  });
});
