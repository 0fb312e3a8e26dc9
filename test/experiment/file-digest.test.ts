import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { digestFile } from '../../src/experiment/file-digest.js';
import { recordOutputFiles } from '../../src/experiment/output-files.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

test('small and streamed files get their size and sha256; a folder gets none', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'digest-'));
  try {
    const small = Buffer.from('a small mask');
    const large = Buffer.alloc((1 << 20) + 12345, 7); // over the whole-file limit: streamed
    const empty = Buffer.alloc(0);
    await writeFile(join(dir, 'small'), small);
    await writeFile(join(dir, 'large'), large);
    await writeFile(join(dir, 'empty'), empty);
    for (const [name, bytes] of [
      ['small', small],
      ['large', large],
      ['empty', empty],
      ['small', small], // again: the shared buffer holds the larger file's bytes now
    ] as const) {
      assert.deepEqual(await digestFile(join(dir, name)), {
        size: bytes.length,
        sha256: sha256(bytes),
      });
    }
    assert.equal(await digestFile(dir), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('recordOutputFiles lists the files in path order with their digests, logs left out', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'outputs-'));
  try {
    await mkdir(join(dir, 'out'));
    for (let i = 0; i < 300; i++) await writeFile(join(dir, 'out', `c${i}.nii.gz`), `case ${i}`);
    await writeFile(join(dir, 'engine.log'), 'appended later');
    await writeFile(join(dir, 'response.json'), '{}');
    const files = await recordOutputFiles(dir);
    assert.equal(files.length, 301);
    const paths = files.map((f) => f.path);
    assert.deepEqual(paths, [...paths].sort());
    const c7 = files.find((f) => f.path === join('out', 'c7.nii.gz'));
    assert.deepEqual(c7, {
      path: join('out', 'c7.nii.gz'),
      size: 6,
      sha256: sha256(Buffer.from('case 7')),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
