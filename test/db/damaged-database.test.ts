import assert from 'node:assert/strict';
import { openSync, statSync, truncateSync, writeSync } from 'node:fs';
import { test } from 'node:test';
import { recordCases } from '../../src/db/cases.js';
import { upsertExperiment } from '../../src/db/experiments.js';
import { closeDatabase, openDatabase } from '../../src/db/open-database.js';
import { isUserError } from '../../src/errors.js';
import { sampleExperiment, tempDatabasePath } from './sample-experiment.js';

// A database of a few hundred KiB, checkpointed so that everything is in the main file.
function recordedDatabase(): string {
  const path = tempDatabasePath();
  const db = openDatabase(path);
  const { experiment } = upsertExperiment(db, sampleExperiment());
  const cases = Array.from({ length: 2000 }, (_, i) => ({
    caseId: `case${String(i).padStart(4, '0')}`,
    role: 'pool' as const,
    imagePath: `/data/case${i}.nii.gz`,
    labelPath: null,
  }));
  recordCases(db, experiment.id, cases);
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  closeDatabase(db);
  return path;
}

function assertDamaged(open: () => unknown, found: RegExp): void {
  assert.throws(open, (error) => {
    assert.ok(isUserError(error), String(error));
    assert.match(error.message, found);
    assert.equal(error.exitCode, 1);
    assert.match(
      error.hint ?? '',
      /start the run over .* mkdir .*damaged-.* && mv .*sentinel\.db\*/,
    );
    return true;
  });
}

test('a database truncated to half is found damaged at open, for writing and for reading', () => {
  const path = recordedDatabase();
  truncateSync(path, Math.floor(statSync(path).size / 2));
  assertDamaged(() => openDatabase(path), /the database .*sentinel\.db is damaged/);
  assertDamaged(() => openDatabase(path, { readonly: true }), /is damaged/);
});

test('8 KiB of garbage in the middle of a database is found at open (quick_check)', () => {
  const path = recordedDatabase();
  const fd = openSync(path, 'r+');
  const garbage = Buffer.alloc(8192, 0xa5);
  writeSync(fd, garbage, 0, garbage.length, Math.floor(statSync(path).size / 2 / 4096) * 4096);
  assertDamaged(() => openDatabase(path, { readonly: true }), /is damaged \(.*\)/);
  assertDamaged(() => openDatabase(path), /is damaged/);
});

test('a 0-byte database is called empty, not "written by an older version"', () => {
  const path = recordedDatabase();
  truncateSync(path, 0);
  assert.throws(
    () => openDatabase(path, { readonly: true }),
    (error) =>
      isUserError(error) &&
      /is empty \(0 bytes\)/.test(error.message) &&
      !/older version/.test(error.message),
  );
  // A run that writes starts it afresh.
  closeDatabase(openDatabase(path));
});
