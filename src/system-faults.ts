import { UserError } from './errors.js';

// Faults of the machine rather than of the program: a full disk, a folder the user may not write,
// a read-only mount, a damaged or locked database. A user causes and fixes them, so the CLI entry
// turns each into a UserError (what happened, where, what to do) instead of an internal error.

interface FaultText {
  what: string;
  todo: string;
}

const RESUME = 'then run the same command again: what finished is kept';

const FILE_FAULTS: Record<string, FaultText> = {
  ENOSPC: { what: 'the disk is full', todo: `free some space or choose a larger disk, ${RESUME}` },
  EDQUOT: { what: 'the disk quota is used up', todo: `free some space, ${RESUME}` },
  EFBIG: { what: 'a file grew past the size the file system allows', todo: 'use another disk' },
  EACCES: {
    what: 'permission denied',
    todo: 'check the permissions (ls -ld on the folder) or choose a folder you may write',
  },
  EPERM: {
    what: 'operation not permitted',
    todo: 'check the permissions or choose another folder',
  },
  EROFS: {
    what: 'the file system is read-only',
    todo: 'choose a writable folder (e.g. --out on a writable disk)',
  },
  EIO: {
    what: 'an input/output error (a failing disk or a lost network mount)',
    todo: `check the disk or the mount, ${RESUME}`,
  },
  EMFILE: { what: 'too many open files', todo: 'raise the limit (ulimit -n 4096) and run again' },
  ENFILE: { what: 'too many open files on this machine', todo: 'close other programs and retry' },
};

const MKDIR_FAULT: FaultText = {
  what: 'a folder cannot be created',
  todo: 'check that its parent exists and is writable (not a read-only disk), or choose another folder',
};

const DAMAGED_HINT =
  'the database is damaged (a crash of the disk or a copy made while it was written); see docs/reliability.md: move it aside (mv sentinel.db sentinel.db.damaged) and run the same command again to rebuild it';

// SQLite's result codes (better-sqlite3 puts them in error.code, extended: SQLITE_IOERR_WRITE).
const SQLITE_FAULTS: [prefix: string, text: FaultText][] = [
  ['SQLITE_FULL', FILE_FAULTS.ENOSPC!],
  ['SQLITE_CORRUPT', { what: 'the database is damaged (malformed)', todo: DAMAGED_HINT }],
  ['SQLITE_NOTADB', { what: 'the file is not an SQLite database', todo: DAMAGED_HINT }],
  [
    'SQLITE_BUSY',
    {
      what: 'the database is locked by another process',
      todo: 'wait for it to finish or stop it (fuser shows who holds the file), then retry',
    },
  ],
  [
    'SQLITE_LOCKED',
    { what: 'the database is locked', todo: 'wait for the other process, then retry' },
  ],
  [
    'SQLITE_READONLY',
    {
      what: 'the database cannot be written (read-only file, folder or mount)',
      todo: 'check the permissions of the run folder, or choose a writable one',
    },
  ],
  [
    'SQLITE_CANTOPEN',
    {
      what: 'the database cannot be opened',
      todo: 'check that the run folder exists and that you may write to it',
    },
  ],
  ['SQLITE_PERM', FILE_FAULTS.EACCES!],
  [
    'SQLITE_IOERR',
    {
      what: 'an input/output error on the database (a full or failing disk, a lost mount)',
      todo: `check free space (df -h) and the disk, ${RESUME}`,
    },
  ],
];

// The fault's text when `error` is one (an fs error code or an SQLite result code).
function faultText(error: unknown): FaultText | undefined {
  const code = codeOf(error);
  if (code === undefined) return undefined;
  if (code.startsWith('SQLITE_')) return SQLITE_FAULTS.find(([p]) => code.startsWith(p))?.[1];
  // Node's recursive mkdir says ENOENT where it meets a read-only or unwritable parent.
  if (code === 'ENOENT' && (error as { syscall?: unknown }).syscall === 'mkdir') return MKDIR_FAULT;
  return FILE_FAULTS[code];
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

// Whether a thrown value is a fault of the machine (see above) rather than a bug.
export function isSystemFault(error: unknown): boolean {
  return faultText(error) !== undefined;
}

// Records where a fault happened when its error does not say: SQLite's errors never name their
// database file, and a failed write() names no file, so the caller that knows adds the database
// or the folder being written. Returns the error, to rethrow.
export function noteFaultPlace(
  error: unknown,
  where: { database?: string; folder?: string },
): unknown {
  const code = codeOf(error);
  if (code === undefined || typeof error !== 'object' || error === null) return error;
  const noted = error as { place?: string; path?: unknown };
  const sqlite = code.startsWith('SQLITE_');
  if (sqlite && where.database !== undefined) noted.place ??= where.database;
  if (!sqlite && noted.path === undefined && where.folder !== undefined)
    noted.place ??= where.folder;
  return error;
}

// The UserError that explains a machine fault: what happened, where, what to do (exit 1).
// Undefined for anything else.
export function systemFaultAsUserError(error: unknown): UserError | undefined {
  const text = faultText(error);
  if (text === undefined) return undefined;
  const e = error as { code: string; path?: unknown; dest?: unknown; place?: unknown };
  const where = [e.place, e.path, e.dest].filter((p) => typeof p === 'string');
  const place = where.length > 0 ? ` at ${where.join(' -> ')}` : '';
  const detail = error instanceof Error ? error.message : String(error);
  const said = firstLine(detail).startsWith(e.code)
    ? firstLine(detail)
    : `${e.code}: ${firstLine(detail)}`;
  return new UserError(`${text.what}${place} (${said})`, {
    hint: text.todo,
    exitCode: 1,
    cause: error,
  });
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
