import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { ExperimentConfigSchema } from '../../../src/config/experiment-schema.js';
import { loadYamlConfig } from '../../../src/config/load-config.js';
import { resolveSettings } from '../../../src/experiment/resolve-settings.js';
import { packageRoot } from '../../../src/package-root.js';
import { PYTHON, pythonSkipReason } from './torch-engine-setup.js';

const configPath = (name: string) => join(packageRoot, 'configs', name);
const pythonMissing = await pythonSkipReason(['json']);

// Checks params with an engine's own parser (Python), as the engine would on a request.
async function engineAccepts(
  parser: 'torch' | 'nnunet' | 'totalsegmentator',
  params: Record<string, unknown>,
) {
  const scripts = {
    torch:
      'sys.path.insert(0, "engines/torch"); from sentinel_torch.params import parse_params as parse',
    nnunet:
      'sys.path[:0] = ["engines/torch", "engines/nnunet"]; from nnunet_params import parse_nnunet_params as parse',
    totalsegmentator:
      'sys.path[:0] = ["engines/torch", "engines/totalsegmentator"]; from adapter import _parse_params as parse',
  };
  const code = `import json, sys\n${scripts[parser]}\nprint(json.dumps(parse(json.loads(sys.argv[1]))))`;
  const result = await execa(PYTHON, ['-c', code, JSON.stringify(params)], {
    cwd: packageRoot,
    reject: false,
  });
  assert.equal(result.exitCode, 0, result.stderr);
}

// The shipped engine configs validate against the experiment schema, their engine params are
// accepted by the engine they drive, and their MC-dropout flags say what the engine can do.
describe('shipped configs for the torch engine, nnU-Net and TotalSegmentator', () => {
  it(
    'totalsegmentator-swinunetr.yaml: SwinUNETR with MC dropout, 5 seeds, budget 20',
    { skip: pythonMissing },
    async () => {
      const config = await loadYamlConfig(
        configPath('totalsegmentator-swinunetr.yaml'),
        ExperimentConfigSchema,
      );
      assert.equal(config.engine.params.network, 'swinunetr');
      // The paper's recipe: feature_size 48, 96^3 patches.
      assert.equal(config.engine.params.featureSize, 48);
      assert.deepEqual(config.engine.params.patchSize, [96, 96, 96]);
      assert.equal(config.engine.supportsMcDropout, true);
      assert.equal(config.seeds, 5);
      assert.deepEqual(config.al.budgets, [20]);
      assert.deepEqual(config.methods, ['qs', 'entropy', 'mc-dropout', 'random']);
      assert.ok('dataset' in config.data);
      for (const stage of [config.training.m0.params, config.training.finetune.params]) {
        await engineAccepts('torch', { ...config.engine.params, ...stage });
      }
    },
  );

  it(
    'swinunetr-cpu.yaml: the CPU twin, SwinUNETR at feature_size 12 with 64^3 patches',
    { skip: pythonMissing },
    async () => {
      const config = await loadYamlConfig(configPath('swinunetr-cpu.yaml'), ExperimentConfigSchema);
      assert.equal(config.engine.params.network, 'swinunetr');
      assert.equal(config.engine.params.featureSize, 12);
      assert.deepEqual(config.engine.params.patchSize, [64, 64, 64]);
      assert.equal(config.engine.supportsMcDropout, true);
      assert.ok('demo' in config.data);
      for (const stage of [config.training.m0.params, config.training.finetune.params]) {
        await engineAccepts('torch', { ...config.engine.params, ...stage });
      }
    },
  );

  it(
    'nnunet.yaml: no MC dropout, and al-run refuses the mc-dropout method',
    { skip: pythonMissing },
    async () => {
      const file = configPath('nnunet.yaml');
      const config = await loadYamlConfig(file, ExperimentConfigSchema);
      assert.equal(config.engine.supportsMcDropout, false);
      assert.ok(!config.methods.includes('mc-dropout'));
      await engineAccepts('nnunet', config.engine.params);
      await assert.rejects(
        resolveSettings('al', { config: file, methods: ['qs', 'mc-dropout'] }),
        /engine "nnunet-v2" cannot make Monte-Carlo-dropout samples, so mc-dropout cannot run/,
      );
    },
  );

  it(
    'totalsegmentator-pseudolabels.yaml: prediction only, qs and random',
    { skip: pythonMissing },
    async () => {
      const file = configPath('totalsegmentator-pseudolabels.yaml');
      const config = await loadYamlConfig(file, ExperimentConfigSchema);
      assert.equal(config.engine.supportsMcDropout, false);
      assert.equal(config.engine.supportsTraining, false);
      assert.deepEqual(config.methods, ['qs', 'random']);
      await engineAccepts('totalsegmentator', config.engine.params);
      await assert.rejects(
        resolveSettings('al', { config: file }),
        /engine "totalsegmentator" cannot train, and al-run trains M0 and fine-tunes/,
      );
    },
  );
});
