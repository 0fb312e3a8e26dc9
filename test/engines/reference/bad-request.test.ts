import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  type Fixture,
  makeFixture,
  predictRequest,
  runReference,
  trainRequest,
} from './reference-fixture.js';

let fixture: Fixture;

before(async () => {
  fixture = await makeFixture();
});
after(() => fixture.cleanup());

// A failed run exits 2 with one "reference engine: error:" line (maybe a hint) and no stack.
function assertUserFailure(run: { exitCode: number; stderr: string }, expected: RegExp): void {
  assert.equal(run.exitCode, 2, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.match(lines[0]!, /^reference engine: error: /);
  assert.match(run.stderr, expected);
  assert.ok(!/\n\s+at /.test(run.stderr), `no stack trace:\n${run.stderr}`);
}

test('a missing request file is a clear error', async () => {
  const { execa } = await import('execa');
  const { referenceEngine } = await import('./reference-fixture.js');
  const result = await execa(
    process.execPath,
    [referenceEngine, 'train', '--request', join(fixture.dir, 'nope.json')],
    { reject: false },
  );
  assertUserFailure(
    { exitCode: result.exitCode ?? -1, stderr: result.stderr },
    /cannot read request .*nope\.json/,
  );
});

test('malformed JSON and contract violations are clear errors', async () => {
  assertUserFailure(
    await runReference(fixture, 'train', '{"contract": ', 'broken'),
    /not valid JSON/,
  );
  const wrongAction = { ...trainRequest(fixture, 'x'), action: 'predict' };
  assertUserFailure(
    await runReference(fixture, 'train', wrongAction, 'wrong-action'),
    /does not follow sentinel-engine\/1: action/,
  );
  assertUserFailure(
    await runReference(fixture, 'dance', trainRequest(fixture, 'x'), 'bad-action'),
    /train or predict/,
  );
});

test('unknown or invalid params are named', async () => {
  const typo = trainRequest(fixture, 'typo', { params: { stepz: 10 } });
  assertUserFailure(await runReference(fixture, 'train', typo, 'typo'), /params/);
  const negative = trainRequest(fixture, 'neg', { params: { steps: -1 } });
  assertUserFailure(await runReference(fixture, 'train', negative, 'neg'), /params\.steps/);
});

test('a missing image or checkpoint is a clear error', async () => {
  const cases = [
    {
      id: 'ghost',
      image: join(fixture.dir, 'ghost.nii.gz'),
      label: join(fixture.dir, 'ghost-label.nii.gz'),
    },
  ];
  assertUserFailure(
    await runReference(fixture, 'train', trainRequest(fixture, 'ghost', { cases }), 'ghost'),
    /ghost\.nii\.gz/,
  );
  const predict = predictRequest(fixture, join(fixture.dir, 'missing.ckpt.json'), 'nock');
  assertUserFailure(
    await runReference(fixture, 'predict', predict, 'nock'),
    /cannot read checkpoint/,
  );
});
