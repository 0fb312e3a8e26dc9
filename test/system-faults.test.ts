import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSystemFault, noteFaultPlace, systemFaultAsUserError } from '../src/system-faults.js';

function fault(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

test('each fault a user can cause becomes a UserError with what happened, where, and what to do', () => {
  const cases: [Error, RegExp, RegExp][] = [
    [fault('ENOSPC', 'ENOSPC: no space left', { path: '/r/x' }), /disk is full at \/r\/x/, /free/],
    [
      fault('EACCES', 'EACCES: permission denied', { path: '/r' }),
      /permission denied at \/r/,
      /permissions/,
    ],
    [fault('EROFS', 'EROFS: read-only', { path: '/r' }), /read-only at \/r/, /writable/],
    [fault('SQLITE_FULL', 'database or disk is full'), /disk is full/, /free/],
    [fault('SQLITE_CORRUPT', 'database disk image is malformed'), /damaged/, /mv sentinel\.db/],
    [fault('SQLITE_NOTADB', 'file is not a database'), /not an SQLite database/, /move it aside/],
    [fault('SQLITE_BUSY', 'database is locked'), /locked by another process/, /wait/],
    [fault('SQLITE_IOERR_WRITE', 'disk I/O error'), /input\/output error/, /df -h/],
    [fault('SQLITE_READONLY_DBMOVED', 'readonly'), /cannot be written/, /permissions/],
  ];
  for (const [error, message, hint] of cases) {
    const user = systemFaultAsUserError(error);
    assert.ok(user, error.message);
    assert.match(user.message, message);
    assert.match(user.hint ?? '', hint);
    assert.equal(user.exitCode, 1);
  }
});

test('SQLite faults name the database the caller noted; anything else is not a fault', () => {
  const error = noteFaultPlace(fault('SQLITE_CORRUPT', 'malformed'), {
    database: '/r/sentinel.db',
  });
  assert.match(systemFaultAsUserError(error)?.message ?? '', /at \/r\/sentinel\.db/);
  assert.equal(isSystemFault(new Error('bug')), false);
  assert.equal(isSystemFault(fault('ERR_INVALID_ARG_TYPE', 'bug')), false);
  assert.equal(systemFaultAsUserError(new TypeError('x is undefined')), undefined);
});

test('a database locked by another writer past the busy timeout becomes "locked by another process"', async () => {
  const { openDatabase, closeDatabase } = await import('../src/db/open-database.js');
  const { acquireRunLock } = await import('../src/db/run-lock.js');
  const { tempDatabasePath } = await import('./db/sample-experiment.js');
  const path = tempDatabasePath();
  const holder = openDatabase(path);
  const waiter = openDatabase(path, { busyTimeoutMs: 50 });
  holder.$client.prepare('BEGIN IMMEDIATE').run();
  try {
    const error = (() => {
      try {
        acquireRunLock(waiter);
      } catch (caught) {
        return noteFaultPlace(caught, { database: path });
      }
    })();
    const user = systemFaultAsUserError(error);
    assert.match(user?.message ?? String(error), /locked by another process at .*sentinel\.db/);
    assert.equal(user?.exitCode, 1);
  } finally {
    holder.$client.prepare('ROLLBACK').run();
    closeDatabase(holder);
    closeDatabase(waiter);
  }
});
