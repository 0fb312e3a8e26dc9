import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isUserError } from '../../src/errors.js';
import { packageRoot } from '../../src/package-root.js';
import { type QsBundle, loadBundle } from '../../src/qs/bundle.js';
import type { QsCaseFiles } from '../../src/qs/case-sources.js';
import { openQsScorer } from '../../src/qs/qs-scorer.js';
import type { QsCaseScore } from '../../src/qs/score-cases.js';
import { testDataFile, testDataSkip } from '../requirements/test-data.js';

// A QS scorer on this thread and in worker threads: the same scores in the same order, whatever
// the worker count, call after call; a case that cannot be read is reported in its place; a
// bundle the workers cannot load fails as a user error.

const example = testDataFile('totalsegmentator-example');
const missing = testDataSkip(
  'totalsegmentator-example/ct.nii.gz',
  'totalsegmentator-example/seg_multilabel.nii.gz',
  'totalsegmentator-example/labels_total.json',
  'totalsegmentator-example/segmentations',
);
let bundle: QsBundle;
let dir: string;
let cases: QsCaseFiles[];

before(async () => {
  if (missing) return;
  bundle = await loadBundle(path.join(packageRoot, 'models/qs-phantom'));
  dir = await mkdtemp(path.join(os.tmpdir(), 'qs-case-files-'));
  const classes = JSON.parse(await readFile(path.join(example, 'labels_total.json'), 'utf8'));
  // Seven cases, both layouts, each its own files (links to the example).
  cases = [];
  for (let i = 0; i < 7; i++) {
    const image = path.join(dir, `case${i}-ct.nii.gz`);
    await symlink(path.join(example, 'ct.nii.gz'), image);
    if (i % 3 === 2) {
      const labels = path.join(dir, `case${i}-labels.nii.gz`);
      await symlink(path.join(example, 'seg_multilabel.nii.gz'), labels);
      cases.push({ caseId: `case${i}`, image, labels, classes });
    } else {
      const segmentations = path.join(dir, `case${i}-segmentations`);
      await symlink(path.join(example, 'segmentations'), segmentations);
      cases.push({ caseId: `case${i}`, image, segmentations });
    }
  }
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function collect(files: QsCaseFiles[], workers: number): Promise<QsCaseScore[]> {
  const scorer = await openQsScorer(bundle, { workers, threads: 1, batchSize: 16 });
  try {
    const results: QsCaseScore[] = [];
    for await (const r of scorer.score(files)) results.push(r);
    return results;
  } finally {
    await scorer.close();
  }
}

test('workers give the scores of the main thread, in input order', { skip: missing }, async () => {
  const local = await collect(cases, 0);
  assert.deepEqual(
    local.map((r) => r.caseId),
    cases.map((c) => c.caseId),
  );
  const scored = local[0]?.organs.filter((o) => o.score !== null) ?? [];
  assert.equal(scored.length, 9, 'the 9 organs of the shipped model are scored');
  for (const workers of [1, 2, 3, 9]) assert.deepEqual(await collect(cases, workers), local);
  assert.deepEqual(await collect([], 2), []);
  // One scorer, call after call (the workers keep their sessions); then a consumer that stops
  // early: that scorer can no longer be used, and closing it lets its workers exit.
  const scorer = await openQsScorer(bundle, { workers: 2, threads: 1, batchSize: 16 });
  try {
    for (const part of [cases.slice(0, 1), cases.slice(1), []]) {
      const got: QsCaseScore[] = [];
      for await (const r of scorer.score(part)) got.push(r);
      assert.deepEqual(
        got,
        local.slice(
          cases.indexOf(part[0] as QsCaseFiles),
          cases.indexOf(part[0] as QsCaseFiles) + part.length,
        ),
      );
    }
    for await (const r of scorer.score(cases)) {
      assert.deepEqual(r, local[0]);
      break;
    }
    await assert.rejects(async () => {
      for await (const _ of scorer.score(cases));
    }, /abandoned/);
    // One call at a time, on one thread too (the calls share the memory cases are read into).
    const oneThread = await openQsScorer(bundle, { threads: 1 });
    try {
      const first = oneThread.score(cases);
      await first.next();
      await assert.rejects(oneThread.score(cases).next(), /one call at a time/);
      await first.return(undefined);
    } finally {
      await oneThread.close();
    }
  } finally {
    await scorer.close();
  }
});

// Workers once waited for a third case before running a batch that two cases could not fill,
// while the main thread waited for a result before sending one: cases of few slices hung.
test(
  'workers finish cases too small to fill a batch (one organ, or none scorable)',
  { skip: missing, timeout: 60_000 },
  async () => {
    const few = cases.map((c, i) => ({ ...c, organs: i % 4 === 3 ? ['colon'] : ['liver'] }));
    const scorer = await openQsScorer(bundle, { workers: 2, threads: 1, batchSize: 64 });
    try {
      const local = await collect(few, 0);
      assert.equal(local[0]?.organs[0]?.slices, 10);
      assert.equal(local[3]?.organs[0]?.score, null, 'colon has no class in the shipped model');
      for (let call = 0; call < 2; call++) {
        const got: QsCaseScore[] = [];
        for await (const r of scorer.score(few)) got.push(r);
        assert.deepEqual(got, local);
      }
    } finally {
      await scorer.close();
    }
  },
);

test(
  'a case that cannot be read is reported in its place, and the others are scored as without it',
  { skip: missing },
  async () => {
    const broken = path.join(dir, 'truncated-ct.nii.gz');
    await writeFile(broken, (await readFile(path.join(example, 'ct.nii.gz'))).subarray(0, 5000));
    const files = [...cases];
    files.splice(3, 0, {
      caseId: 'broken',
      image: broken,
      segmentations: path.join(example, 'segmentations'),
    });
    const expected = await collect(cases, 0);
    for (const workers of [0, 2]) {
      const results = await collect(files, workers);
      assert.deepEqual(
        results.map((r) => r.caseId),
        files.map((f) => f.caseId),
      );
      const [unreadable] = results.splice(3, 1);
      assert.deepEqual(unreadable?.organs, []);
      assert.equal(unreadable?.caseScore, null);
      assert.match(unreadable?.unreadable?.message ?? '', /truncated-ct\.nii\.gz.*truncated/);
      assert.ok(unreadable?.unreadable?.hint, 'with a hint');
      assert.deepEqual(results, expected, `workers ${workers}`);
    }
  },
);

test('a bundle ONNX Runtime cannot load fails opening the scorer, with workers or not', async () => {
  const broken = await mkdtemp(path.join(os.tmpdir(), 'qs-broken-bundle-'));
  try {
    const shipped = path.join(packageRoot, 'models/qs-phantom');
    await writeFile(path.join(broken, 'model.onnx'), 'not an ONNX file');
    const manifest = JSON.parse(await readFile(path.join(shipped, 'manifest.json'), 'utf8'));
    manifest.modelSha256 = undefined;
    await writeFile(path.join(broken, 'manifest.json'), JSON.stringify(manifest));
    const brokenBundle = await loadBundle(broken);
    for (const workers of [0, 2]) {
      await assert.rejects(openQsScorer(brokenBundle, { workers }), (error: Error) => {
        assert.ok(isUserError(error), `a UserError, got ${error.stack}`);
        assert.match(error.message, /ONNX Runtime cannot load .*model\.onnx/);
        assert.ok(error.hint, 'with a hint');
        return true;
      });
    }
  } finally {
    await rm(broken, { recursive: true, force: true });
  }
});
