import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixturePath } from '../executor/fixture-paths.js';
import { runSentinel } from '../run-cli.js';
import { queryRun, tinyExperiment } from './tiny-config.js';

const METRICS =
  'select method, seed, budget, case_id, organ, dsc, nsd from metrics order by method, seed, budget, case_id, organ';

// Mounts a tmpfs of `size` at `dir` (root in a container that allows it); false when it cannot.
function mountTmpfs(dir: string, size: string, remount = false): boolean {
  const options = remount ? `remount,size=${size}` : `size=${size}`;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status === 0;
}

function assertClearFault(result: { exitCode: number; stderr: string }, pattern: RegExp): void {
  assert.equal(result.exitCode, 1, result.stderr);
  assert.match(result.stderr, pattern);
  assert.match(result.stderr, /hint: free some space/);
  assert.doesNotMatch(result.stderr, /internal error/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

test('a full disk stops the run with a clear message (exit 1), and the rerun after freeing space ends like a clean run', async () => {
  const { dir, config } = await tinyExperiment('disk-full');
  const args = ['al-run', '--config', config, '--methods', 'random', '--seeds', '1'];
  args.push('--budget', '2');
  const clean = await runSentinel([...args, '--out', join(dir, 'clean', 'run')]);
  assert.equal(clean.exitCode, 0, clean.stderr);

  const disk = join(dir, 'disk');
  mkdirSync(disk);
  const mounted = mountTmpfs(disk, '1100k');
  const out = join(disk, 'run');
  try {
    if (mounted) {
      // Room for the demo data and a few jobs: the database or a job's files meet the full disk.
      const full = await runSentinel([...args, '--out', out]);
      assertClearFault(full, /error: the disk is full at .*disk\/run/);
      assert.ok(mountTmpfs(disk, '30m', true), 'the tmpfs grows');
    } else {
      // No mount here: a finished job's folder cannot be moved into place (ENOSPC injected).
      const inject = `--import=${fixturePath('faults/inject-enospc.mjs')}`;
      const full = await runSentinel([...args, '--out', out], {
        env: { NODE_OPTIONS: inject },
      });
      assertClearFault(full, /error: the disk is full at .*\.partial-/);
    }
    const rerun = await runSentinel([...args, '--out', out]);
    assert.equal(rerun.exitCode, 0, rerun.stderr);
    assert.deepEqual(
      queryRun(join(out, 'sentinel.db'), METRICS),
      queryRun(join(dir, 'clean', 'run', 'sentinel.db'), METRICS),
    );
  } finally {
    if (mounted) spawnSync('umount', [disk]);
  }
});

test('a read-only --out folder is a clear error (exit 1), not an internal one', async (t) => {
  const { dir, config } = await tinyExperiment('read-only');
  const disk = join(dir, 'ro');
  mkdirSync(disk);
  if (!mountTmpfs(disk, '1m')) return t.skip('cannot mount a tmpfs here');
  try {
    assert.ok(mountTmpfs(disk, 'ro', true) || mountTmpfs(disk, '1m,ro', true), 'read-only');
    const args = ['al-run', '--config', config, '--methods', 'random', '--seeds', '1'];
    const result = await runSentinel([...args, '--budget', '2', '--out', join(disk, 'run')]);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(
      result.stderr,
      /error: (a folder cannot be created|the file system is read-only) at .*ro/,
    );
    assert.match(result.stderr, /hint: .*writable/);
    assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
  } finally {
    spawnSync('umount', [disk]);
  }
});

test('a failed run on a nearly full disk says that a full disk may be the cause', async (t) => {
  const { lowDiskNote } = await import('../../src/experiment/low-disk-note.js');
  const { dir } = await tinyExperiment('low-disk');
  assert.equal(lowDiskNote(dir), '', 'the temp folder has room');
  const disk = join(dir, 'small');
  mkdirSync(disk);
  if (!mountTmpfs(disk, '1m')) return t.skip('cannot mount a tmpfs here');
  try {
    assert.match(lowDiskNote(disk), /has only 1\.0 MB free: a full disk may be the cause/);
  } finally {
    spawnSync('umount', [disk]);
  }
});
