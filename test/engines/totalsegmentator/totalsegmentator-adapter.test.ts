import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { EngineConfig } from '../../../src/engine/engine-config.js';
import { runEngine } from '../../../src/engine/run-engine.js';
import { packageRoot } from '../../../src/package-root.js';
import type { DemoDataset } from '../../../src/phantom/index.js';
import { readNifti } from '../../../src/volume/index.js';
import { TEST_PYTHON as PYTHON, pythonSkipReason } from '../../requirements/python-modules.js';
import { tinyPhantoms } from '../torch/torch-engine-setup.js';

const skip = pythonSkipReason(['nibabel', 'numpy']);
const FAKE = fileURLToPath(
  new URL(
    '../../../../test/engines/totalsegmentator/fixtures/fake-totalsegmentator.py',
    import.meta.url,
  ),
);
const ADAPTER = join(packageRoot, 'engines/totalsegmentator/adapter.py');
// TotalSegmentator's numbering (task total) for the phantom organs.
const TOTAL_LABELS = {
  '1': 'spleen',
  '2': 'kidney_right',
  '3': 'kidney_left',
  '4': 'gallbladder',
  '5': 'liver',
  '6': 'stomach',
  '7': 'pancreas',
  '52': 'aorta',
  '63': 'inferior_vena_cava',
};

// engines/totalsegmentator/adapter.py against a stand-in TotalSegmentator program: the argv it
// runs, the label numbers rewritten to the request's class map by name, and what it refuses.
describe('TotalSegmentator adapter (with a stand-in TotalSegmentator)', { skip }, () => {
  let dir = '';
  let data: DemoDataset;
  let engine: EngineConfig;
  before(async () => {
    ({ dir, data } = await tinyPhantoms('totalseg-adapter-'));
    await writeFile(join(dir, 'labels_total.json'), JSON.stringify(TOTAL_LABELS));
    engine = EngineConfig.parse({
      name: 'totalsegmentator-test',
      command: [
        PYTHON,
        '{package}/engines/totalsegmentator/adapter.py',
        '{action}',
        '--request',
        '{request}',
      ],
      env: { FAKE_TOTALSEG_LOG: join(dir, 'calls.jsonl') },
      params: { program: FAKE, device: 'cpu', labelMap: join(dir, 'labels_total.json') },
    });
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs TotalSegmentator --ml per case and renumbers its labels to the class map', async () => {
    const outputDir = join(dir, 'pseudo');
    const cases = data.pool.map(({ id, image }) => ({ id, image }));
    const result = await runEngine(
      engine,
      {
        action: 'predict',
        checkpoint: dir,
        cases,
        classes: data.classes,
        seed: 0,
        outputDir,
        save: { probabilities: false, mcSamples: 0 },
      },
      { jobDir: join(dir, 'predict') },
    );
    assert.ok(result.ok, result.ok ? '' : `${result.message}\n${result.logTail}`);
    const [args] = (await readFile(join(dir, 'calls.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[]);
    const names = Object.values(data.classes).sort();
    assert.deepEqual(args, [
      '-i',
      cases[0]!.image,
      '-o',
      join(dir, 'predict', 'work', `${cases[0]!.id}_totalsegmentator.nii.gz`),
      '--ml',
      '--task',
      'total',
      '--device',
      'cpu',
      '--roi_subset',
      ...names,
    ]);
    const image = await readNifti(cases[0]!.image);
    const mask = await readNifti(result.response.outputs[0]!.mask);
    const liver = Number(Object.entries(data.classes).find(([, n]) => n === 'liver')![0]);
    const spleen = Number(Object.entries(data.classes).find(([, n]) => n === 'spleen')![0]);
    let checked = 0;
    for (let v = 0; v < image.data.length; v++) {
      const hu = image.data[v] as number;
      const expected = hu > 40 ? liver : hu > 0 ? spleen : 0;
      assert.equal(mask.data[v], expected);
      if (expected) checked++;
    }
    assert.ok(checked > 0);
  });

  it('refuses training, probabilities and MC samples, and unknown class names', async () => {
    const write = async (name: string, request: Record<string, unknown>) => {
      const path = join(dir, `${name}.json`);
      await writeFile(
        path,
        JSON.stringify({
          contract: 'sentinel-engine/1',
          cases: data.pool.map(({ id, image, label }) => ({ id, image, label })),
          classes: data.classes,
          seed: 0,
          response: join(dir, `${name}-response.json`),
          workdir: join(dir, `${name}-work`),
          params: { program: FAKE, labelMap: join(dir, 'labels_total.json') },
          ...request,
        }),
      );
      return execa(PYTHON, [ADAPTER, String(request.action), '--request', path], { reject: false });
    };
    const predict = {
      action: 'predict',
      checkpoint: dir,
      outputDir: join(dir, 'refused'),
      save: { probabilities: true, mcSamples: 0, probabilityType: 'float32' },
    };
    const train = await write('train', { action: 'train', init: null, checkpoint: join(dir, 'x') });
    assert.equal(train.exitCode, 2);
    assert.match(train.stderr, /cannot be fine-tuned through this adapter/);
    const probabilities = await write('probabilities', predict);
    assert.match(
      probabilities.stderr,
      /writes label maps only \(no probabilities, no Monte-Carlo dropout\)/,
    );
    const unknown = await write('unknown', {
      ...predict,
      classes: { '1': 'liverish' },
      save: { probabilities: false, mcSamples: 0, probabilityType: 'float32' },
    });
    assert.match(unknown.stderr, /class 'liverish' is not a TotalSegmentator total class/);
    for (const result of [train, probabilities, unknown])
      assert.doesNotMatch(result.stderr, /Traceback/);
  });
});
