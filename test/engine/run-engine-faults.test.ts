import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { type EngineRunResult, runEngine } from '../../src/engine/run-engine.js';
import { fakeEngineConfig, smallCases } from './engine-fixtures.js';

// Each misbehaving engine is a real small program; each fault must come back as a failed
// job with a clear reason, a message and the engine's log, and never as a thrown error.

async function assertFailed(
  result: EngineRunResult<unknown>,
  reason: string,
  message: RegExp,
  log?: RegExp,
) {
  assert.equal(result.ok, false, 'the job failed');
  assert.ok(!result.ok);
  assert.equal(result.reason, reason);
  assert.match(result.message, message);
  const text = await readFile(result.logPath, 'utf8');
  if (log) {
    assert.match(text, log);
    assert.match(result.logTail, log);
  }
  assert.ok(result.cost.wallSeconds >= 0);
}

test('an engine that exits non-zero', async () => {
  const { dir, train } = await smallCases();
  const result = await runEngine(fakeEngineConfig('exit-nonzero'), train, {
    jobDir: join(dir, 'job'),
  });
  await assertFailed(
    result,
    'exit',
    /exit-nonzero train: exited with code 1/,
    /CUDA out of memory/,
  );
  assert.ok(!result.ok && result.exitCode === 1);
});

test('an engine killed by a signal', async () => {
  const { dir, train } = await smallCases();
  const result = await runEngine(fakeEngineConfig('killed'), train, { jobDir: join(dir, 'job') });
  await assertFailed(result, 'signal', /killed by SIGKILL/, /starting/);
});

test('an engine that hangs past its timeout (and ignores SIGTERM)', async () => {
  const { dir, train } = await smallCases();
  const engine = fakeEngineConfig('hang', { timeoutSeconds: { train: 1 } });
  const result = await runEngine(engine, train, {
    jobDir: join(dir, 'job'),
    killGraceSeconds: 0.5,
  });
  await assertFailed(result, 'timeout', /timed out after 1 s/, /ignoring SIGTERM/);
});

test('an engine that writes no response', async () => {
  const { dir, train } = await smallCases();
  const result = await runEngine(fakeEngineConfig('no-response'), train, {
    jobDir: join(dir, 'job'),
  });
  await assertFailed(
    result,
    'no-response',
    /exited without writing its response/,
    /sentinel: job failed/,
  );
});

test('an engine that writes malformed JSON', async () => {
  const { dir, train } = await smallCases();
  const result = await runEngine(fakeEngineConfig('malformed-json'), train, {
    jobDir: join(dir, 'job'),
  });
  await assertFailed(result, 'bad-response', /is not valid JSON/);
});

test('an engine that writes a mask on the wrong grid', async () => {
  const { dir, predict } = await smallCases();
  const result = await runEngine(fakeEngineConfig('wrong-grid'), predict(), {
    jobDir: join(dir, 'job'),
  });
  await assertFailed(
    result,
    'bad-output',
    /case a: mask .* is not on the image's grid \(image vs mask: dims 16 x 12 x 8 vs 16 x 12 x 7\)/,
  );
});

test('an engine that writes labels outside the class map', async () => {
  const { dir, predict } = await smallCases();
  const result = await runEngine(fakeEngineConfig('bad-labels'), predict(), {
    jobDir: join(dir, 'job'),
  });
  await assertFailed(
    result,
    'bad-output',
    /holds labels outside the class map: 77 \(1 voxels\); allowed: 0, 1, 3/,
  );
});

test('an engine whose response lists a case that was not asked for', async () => {
  const { dir, predict } = await smallCases();
  const result = await runEngine(fakeEngineConfig('extra-case'), predict(), {
    jobDir: join(dir, 'job'),
  });
  await assertFailed(result, 'bad-output', /lists cases that were not asked for: not-asked$/);
});

test('an engine command that cannot start', async () => {
  const { dir, train } = await smallCases();
  const engine = { ...fakeEngineConfig('good'), command: ['/no/such/engine', '{request}'] };
  const result = await runEngine(engine, train, { jobDir: join(dir, 'job') });
  await assertFailed(result, 'spawn', /could not start \/no\/such\/engine/);
});

test('an engine that follows the contract passes, with probabilities and MC samples, float32 and uint8', async () => {
  const { dir, train, predict } = await smallCases();
  const engine = fakeEngineConfig('good');
  const trained = await runEngine(engine, train, { jobDir: join(dir, 'train') });
  assert.ok(trained.ok, JSON.stringify(trained));
  assert.equal(trained.response.checkpoint, train.checkpoint);
  for (const probabilityType of ['float32', 'uint8'] as const) {
    const save = { probabilities: true, mcSamples: 2, probabilityType };
    const predicted = await runEngine(engine, predict(save), {
      jobDir: join(dir, `predict-${probabilityType}`),
    });
    assert.ok(predicted.ok, JSON.stringify(predicted));
    assert.equal(predicted.response.outputs.length, 2);
    assert.equal(predicted.response.outputs[0]!.mcSamples?.length, 2);
    assert.ok(predicted.cost.diskBytes > 0);
    // The scratch folder is removed after a successful job.
    assert.deepEqual((await readdir(join(dir, `predict-${probabilityType}`))).sort(), [
      'engine.log',
      'request.json',
      'response.json',
    ]);
  }
});

test('asking an engine that does not declare MC dropout for samples is a user error', async () => {
  const { dir, predict } = await smallCases();
  const engine = fakeEngineConfig('good', { supportsMcDropout: false });
  await assert.rejects(
    runEngine(engine, predict({ mcSamples: 2 }), { jobDir: join(dir, 'job') }),
    /cannot write Monte-Carlo-dropout samples/,
  );
});
