// The real annotation loop end to end: al-run --export-worklist writes review round 1; bad
// returned masks (wrong grid, unknown label, a case not asked for) are refused by name and
// nothing of them is recorded; corrected masks (one the truth, one left as the pseudo label)
// are imported with their provenance, the round's jobs run, and round 2 is written.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { jobDir } from '../../src/db/job-keys.js';
import { readLabelMap } from '../../src/volume/read-label-map.js';
import { writeNifti } from '../../src/volume/write-nifti.js';
import { runSentinel, sentinelBin } from '../run-cli.js';
import { queryRun, tinyExperiment } from './tiny-config.js';

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

test('export -> edit -> import -> next worklist; bad masks refused with nothing recorded', async () => {
  const { dir, config } = await tinyExperiment('import-revisions');
  const out = join(dir, 'runs', 'loop');
  const db = join(out, 'sentinel.db');
  const exported = await runSentinel([
    'al-run',
    ...['--config', config, '--methods', 'entropy', '--seeds', '1', '--budget', '2'],
    ...['--export-worklist', '--out', out],
  ]);
  assert.equal(exported.exitCode, 0, exported.stderr);
  const round1 = join(out, 'review', 'round-1');
  assert.match(exported.stdout, /review[/\\]round-1/);
  const asked = queryRun<{ case_id: string }>(
    db,
    'select case_id from review_requests where round = 1 order by rank',
  ).map((r) => r.case_id);
  assert.equal(asked.length, 2);
  const [first, second] = asked as [string, string];
  for (const c of asked) {
    assert.deepEqual((await readdir(join(round1, c))).sort(), [
      `${c}_image.nii.gz`,
      `${c}_seg.nii.gz`,
    ]);
  }
  const worklist = await readFile(join(round1, 'worklist.csv'), 'utf8');
  assert.match(
    worklist,
    /^rank,case,score,worst_organ,worst_organ_score,worst_slice,image,seg\n1,/,
  );
  assert.match(await readFile(join(round1, 'README.txt'), 'utf8'), /SAVE IT UNDER THE SAME NAME/);

  const truth = new Map(
    queryRun<{ case_id: string; label_path: string; role: string }>(
      db,
      'select case_id, label_path, role from cases order by case_id',
    ).map((c) => [c.case_id, c]),
  );
  const notAsked = [...truth.values()].find((c) => c.role === 'pool' && !asked.includes(c.case_id));
  assert.ok(notAsked);

  // Bad returns: a mask on another grid, one with a label outside the class map, one for a case
  // the round did not ask for. Each is named with its problem; nothing is recorded.
  const bad = join(dir, 'bad');
  await mkdir(bad);
  const pseudo = await readLabelMap(join(round1, first, `${first}_seg.nii.gz`));
  await writeNifti(join(bad, `${first}_seg.nii.gz`), {
    ...pseudo,
    dims: [16, 16, 16],
    data: new Uint8Array(16 ** 3),
  });
  const unknown = Uint8Array.from(pseudo.data);
  unknown.fill(77, 0, 50);
  await writeNifti(join(bad, `${second}_seg.nii.gz`), { ...pseudo, data: unknown });
  await copyFile(notAsked.label_path, join(bad, `${notAsked.case_id}_seg.nii.gz`));
  const refused = await runSentinel([
    'import-revisions',
    ...['--run', out, '--from', bad, '--by', 'alice'],
  ]);
  assert.equal(refused.exitCode, 2, refused.stderr);
  assert.match(refused.stderr, /3 returned file\(s\) refused, so nothing was imported/);
  assert.match(
    refused.stderr,
    new RegExp(`${first}_seg.nii.gz: not on its image's voxel grid \\(dims 16 x 16 x 16`),
  );
  assert.match(
    refused.stderr,
    new RegExp(`${second}_seg.nii.gz: holds label\\(s\\) not in the class map: 77 \\(50 voxels\\)`),
  );
  assert.match(
    refused.stderr,
    new RegExp(
      `${notAsked.case_id}_seg.nii.gz: case ${notAsked.case_id} was not asked for in round 1`,
    ),
  );
  assert.doesNotMatch(refused.stderr, /internal error| {4}at /);
  assert.equal(queryRun(db, 'select * from revisions').length, 0);
  assert.equal(queryRun(db, "select * from jobs where key like 'annotated/%'").length, 0);

  // The annotators' edit: the first case corrected to its truth, the second left as it was.
  await copyFile(truth.get(first)!.label_path, join(round1, first, `${first}_seg.nii.gz`));
  const imported = await runSentinel([
    'import-revisions',
    ...['--run', out, '--from', round1, '--by', 'alice'],
  ]);
  assert.equal(imported.exitCode, 0, imported.stderr);
  assert.match(imported.stdout, new RegExp(`${second}: identical to the pseudo label`));
  assert.match(imported.stdout, new RegExp(`${first}: \\d+ voxel\\(s\\) changed`));
  const revisions = queryRun<{
    case_id: string;
    sha256: string;
    annotator: string;
    source_path: string;
    mask_path: string;
    changed_voxels: number;
    imported_at: string;
  }>(db, 'select * from revisions order by case_id');
  assert.deepEqual(revisions.map((r) => r.case_id).sort(), [...asked].sort());
  for (const r of revisions) {
    assert.equal(r.annotator, 'alice');
    assert.equal(r.source_path, join(round1, r.case_id, `${r.case_id}_seg.nii.gz`));
    assert.equal(r.sha256, await sha256(join(out, r.mask_path)), 'the kept copy is the file');
    assert.equal(r.sha256, await sha256(r.source_path));
    assert.equal(r.changed_voxels === 0, r.case_id === second);
    assert.match(r.imported_at, /^\d{4}-\d\d-\d\dT/);
  }
  const jobs = queryRun<{ key: string; status: string; wall_s: number; cpu_s: number }>(
    db,
    "select key, status, wall_s, cpu_s from jobs where key like 'annotated/round=1/%'",
  );
  assert.deepEqual(jobs.map((j) => j.key).sort(), [
    'annotated/round=1/evaluate',
    'annotated/round=1/finetune',
    'annotated/round=1/predict/pool',
    'annotated/round=1/predict/test',
    'annotated/round=1/score/entropy',
  ]);
  assert.ok(
    jobs.every((j) => j.status === 'done' && j.wall_s > 0 && j.cpu_s > 0),
    'metered',
  );
  // The fine-tune trains on the labeled cases and the kept copies of the imported masks.
  const request = JSON.parse(
    await readFile(join(jobDir(out, 'annotated/round=1/finetune'), 'request.json'), 'utf8'),
  ) as { cases: { id: string; label: string }[] };
  const labeled = [...truth.values()].filter((c) => c.role === 'labeled').map((c) => c.case_id);
  assert.deepEqual(
    request.cases.map((c) => c.label),
    [
      ...labeled.map((id) => truth.get(id)!.label_path),
      ...asked.map((id) => join(out, 'revisions', 'round-1', `${id}_seg.nii.gz`)).sort(),
    ],
  );
  const metrics = queryRun(db, "select * from metrics where method = 'annotated' and budget = 2");
  assert.equal(metrics.length, 2 * 9, '2 test cases x 9 organs');
  const round2 = queryRun<{ case_id: string }>(
    db,
    'select case_id from review_requests where round = 2',
  ).map((r) => r.case_id);
  assert.equal(round2.length, 2);
  for (const c of round2) {
    assert.ok(!asked.includes(c), `${c} was revised already`);
    assert.ok((await readdir(join(out, 'review', 'round-2', c))).includes(`${c}_seg.nii.gz`));
  }

  // The same command again: nothing new, no job run again.
  const again = await runSentinel([
    'import-revisions',
    ...['--run', out, '--from', round1, '--by', 'alice'],
  ]);
  assert.equal(again.exitCode, 0, again.stderr);
  assert.match(again.stdout, /nothing new to import/);
  assert.equal(queryRun(db, 'select * from revisions').length, 2);

  // Round 2 returned unchanged; the import is killed (SIGKILL) once its fine-tune is recorded,
  // then finished without --from: the masks stay recorded, the fine-tune is reused, round 3 is
  // written.
  const round2Dir = join(out, 'review', 'round-2');
  await killWhenDone(
    ['import-revisions', '--run', out, '--from', round2Dir, '--by', 'bob'],
    db,
    'annotated/round=2/finetune',
  );
  assert.equal(queryRun(db, 'select * from revisions where round = 2').length, 2);
  const finished = await runSentinel(['import-revisions', '--run', out]);
  assert.equal(finished.exitCode, 0, finished.stderr);
  assert.match(finished.stdout, /[1-9]\d* already done/);
  assert.deepEqual(
    queryRun(db, "select attempts from jobs where key = 'annotated/round=2/finetune'"),
    [{ attempts: 1 }],
  );
  assert.equal(queryRun(db, 'select * from review_requests where round = 3').length, 2);
});

// Starts a command and SIGKILLs it once the job `key` is recorded done.
async function killWhenDone(args: string[], db: string, key: string): Promise<void> {
  const child = spawn(process.execPath, [sentinelBin, ...args], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const done = () =>
    queryRun(db, `select 1 from jobs where key = '${key}' and status = 'done'`).length > 0;
  while (child.exitCode === null && !done()) await sleep(50);
  child.kill('SIGKILL');
  await exited;
}
