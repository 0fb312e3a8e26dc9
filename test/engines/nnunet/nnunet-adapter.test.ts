import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { EngineConfig } from '../../../src/engine/engine-config.js';
import { runEngine } from '../../../src/engine/run-engine.js';
import { packageRoot } from '../../../src/package-root.js';
import type { DemoDataset } from '../../../src/phantom/index.js';
import { TEST_PYTHON as PYTHON, pythonSkipReason } from '../../requirements/python-modules.js';
import { tinyPhantoms } from '../torch/torch-engine-setup.js';

const skip = pythonSkipReason(['nibabel', 'numpy']);
const FAKE = fileURLToPath(
  new URL('../../../../test/engines/nnunet/fixtures/fake-nnunet.py', import.meta.url),
);
const PROGRAMS = [
  'nnUNetv2_predict_from_modelfolder',
  'nnUNetv2_plan_and_preprocess',
  'nnUNetv2_extract_fingerprint',
  'nnUNetv2_preprocess',
  'nnUNetv2_train',
];

interface Call {
  program: string;
  args: string[];
  env: Record<string, string>;
}

// engines/nnunet/adapter.py against a stand-in for nnU-Net's programs (a real small program
// that checks the layout nnU-Net reads and writes what nnU-Net writes): the argv it is given,
// the folders it lays out, and the response and outputs, checked by the engine runner.
describe('nnU-Net adapter (with a stand-in nnU-Net)', { skip }, () => {
  let dir = '';
  let bin = '';
  let log = '';
  let data: DemoDataset;
  let engine: EngineConfig;
  before(async () => {
    ({ dir, data } = await tinyPhantoms('nnunet-adapter-'));
    bin = join(dir, 'bin');
    log = join(dir, 'calls.jsonl');
    await mkdir(bin);
    for (const program of PROGRAMS) await symlink(FAKE, join(bin, program));
    engine = EngineConfig.parse({
      name: 'nnunet-test',
      command: [
        PYTHON,
        '{package}/engines/nnunet/adapter.py',
        '{action}',
        '--request',
        '{request}',
      ],
      env: { FAKE_NNUNET_LOG: log },
      params: { binDir: bin, device: 'cpu' },
      supportsMcDropout: false,
    });
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function calls(): Promise<Call[]> {
    const text = await readFile(log, 'utf8').catch(() => '');
    await rm(log, { force: true });
    return text.trim()
      ? text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Call)
      : [];
  }

  const train = (init: string | null, checkpoint: string, job: string) =>
    runEngine(
      engine,
      { action: 'train', init, cases: data.labeled, classes: data.classes, seed: 0, checkpoint },
      { jobDir: join(dir, job) },
    );

  it('trains from scratch: lays out the dataset, plans, trains fold all, copies the model folder', async () => {
    const checkpoint = join(dir, 'model');
    const result = await train(null, checkpoint, 'train');
    assert.ok(result.ok, result.ok ? '' : `${result.message}\n${result.logTail}`);
    const [plan, fit] = await calls();
    assert.equal(plan?.program, 'nnUNetv2_plan_and_preprocess');
    assert.deepEqual(plan?.args, [
      '-d',
      '990',
      '-c',
      '3d_fullres',
      '-np',
      '2',
      '--verify_dataset_integrity',
    ]);
    assert.equal(fit?.program, 'nnUNetv2_train');
    assert.deepEqual(fit?.args, [
      '990',
      '3d_fullres',
      'all',
      '-tr',
      'nnUNetTrainer',
      '-p',
      'nnUNetPlans',
      '-device',
      'cpu',
    ]);
    assert.equal(fit?.env.nnUNet_results, join(dir, 'train', 'work', 'nnUNet_results'));
    const description = JSON.parse(await readFile(join(checkpoint, 'dataset.json'), 'utf8'));
    assert.equal(description.labels.background, 0);
    assert.equal(description.labels.liver, 1);
    assert.equal(description.numTraining, data.labeled.length);
    assert.equal(description.channel_names['0'], 'CT');
    await stat(join(checkpoint, 'fold_all', 'checkpoint_final.pth'));
    await stat(join(checkpoint, 'plans.json'));
  });

  it('fine-tunes from an nnU-Net model folder with its plans and -pretrained_weights', async () => {
    const result = await train(join(dir, 'model'), join(dir, 'finetuned'), 'finetune');
    assert.ok(result.ok, result.ok ? '' : `${result.message}\n${result.logTail}`);
    const programs = await calls();
    assert.deepEqual(
      programs.map((c) => c.program),
      ['nnUNetv2_extract_fingerprint', 'nnUNetv2_preprocess', 'nnUNetv2_train'],
    );
    assert.deepEqual(programs[1]?.args, [
      '-d',
      '990',
      '-plans_name',
      'nnUNetPlans',
      '-c',
      '3d_fullres',
      '-np',
      '2',
    ]);
    assert.deepEqual(programs[2]?.args.slice(-2), [
      '-pretrained_weights',
      join(dir, 'model', 'fold_all', 'checkpoint_final.pth'),
    ]);
  });

  it('predicts masks and .npz probabilities that pass the runner checks', async () => {
    const outputDir = join(dir, 'predictions');
    const result = await runEngine(
      engine,
      {
        action: 'predict',
        checkpoint: join(dir, 'model'),
        cases: [...data.test, ...data.pool].map(({ id, image }) => ({ id, image })),
        classes: data.classes,
        seed: 0,
        outputDir,
        save: { probabilities: true, mcSamples: 0 },
      },
      { jobDir: join(dir, 'predict') },
    );
    assert.ok(result.ok, result.ok ? '' : `${result.message}\n${result.logTail}`);
    const [call] = await calls();
    const input = join(dir, 'predict', 'work', 'input', 'imagesTs');
    assert.deepEqual(call?.args, [
      '-i',
      input,
      '-o',
      outputDir,
      '-m',
      join(dir, 'model'),
      '-f',
      'all',
      '-chk',
      'checkpoint_final.pth',
      '-step_size',
      '0.5',
      '-npp',
      '2',
      '-nps',
      '2',
      '-device',
      'cpu',
      '--disable_progress_bar',
      '--save_probabilities',
    ]);
    const output = result.response.outputs.find((o) => o.id === data.test[0]!.id)!;
    assert.equal(output.mask, join(outputDir, `${data.test[0]!.id}.nii.gz`));
    assert.equal(output.probabilities, join(outputDir, `${data.test[0]!.id}.npz`));
  });

  it('refuses Monte-Carlo dropout: the runner for a config without it, the adapter itself too', async () => {
    const task = {
      action: 'predict' as const,
      checkpoint: join(dir, 'model'),
      cases: data.test.map(({ id, image }) => ({ id, image })),
      classes: data.classes,
      seed: 0,
      outputDir: join(dir, 'mc'),
      save: { probabilities: false, mcSamples: 3 },
    };
    await assert.rejects(
      runEngine(engine, task, { jobDir: join(dir, 'mc-runner') }),
      /cannot write Monte-Carlo-dropout samples/,
    );
    const request = join(dir, 'mc-request.json');
    await writeFile(
      request,
      JSON.stringify({
        ...task,
        contract: 'sentinel-engine/1',
        save: { ...task.save, probabilityType: 'float32' },
        response: join(dir, 'mc-response.json'),
        workdir: join(dir, 'mc-work'),
        params: { binDir: bin },
      }),
    );
    const direct = await execa(
      PYTHON,
      [join(packageRoot, 'engines/nnunet/adapter.py'), 'predict', '--request', request],
      { reject: false },
    );
    assert.equal(direct.exitCode, 2);
    assert.match(direct.stderr, /nnU-Net has no dropout at inference/);
    assert.doesNotMatch(direct.stderr, /Traceback/);
  });

  it("reports nnU-Net's own failure as a failed job", async () => {
    const failing = EngineConfig.parse({
      ...engine,
      env: { ...engine.env, FAKE_NNUNET_FAIL: 'nnUNetv2_train' },
    });
    const result = await runEngine(
      failing,
      {
        action: 'train',
        init: null,
        cases: data.labeled,
        classes: data.classes,
        seed: 0,
        checkpoint: join(dir, 'never'),
      },
      { jobDir: join(dir, 'failing') },
    );
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.logTail, /nnUNetv2_train \(train\) exited with status 1/);
    await assert.rejects(stat(join(dir, 'never')));
    await calls();
  });
});
