import { hostname } from 'node:os';
import { and, eq } from 'drizzle-orm';
import { UserError } from '../errors.js';
import { isProcessAlive, readProcessStart } from './process-liveness.js';
import { runLock } from './schema.js';
import type { Db } from './types.js';

// The right to write one run's database, held by one orchestrator process at a time.
export interface RunLock {
  pid: number;
  // Gives the lock up (also done automatically when the process exits normally).
  release(): void;
}

export interface AcquireRunLockOptions {
  // Take the lock even from a holder that looks alive (one on another host cannot be checked).
  takeOver?: boolean;
  // How the user takes over a lock whose holder cannot be checked (the CLI's flag), shown in the
  // refusal for a holder on another host.
  takeOverHint?: string;
}

// Takes the run lock, or refuses with a UserError when another live process holds it. A lock
// left by a process that died (kill -9, a lost machine) is taken over. Readers need no lock.
// The check and the take are one IMMEDIATE transaction, so two starters cannot both win.
export function acquireRunLock(db: Db, options: AcquireRunLockOptions = {}): RunLock {
  const me = {
    pid: process.pid,
    hostname: hostname(),
    processStart: readProcessStart(process.pid) ?? null,
    acquiredAt: new Date().toISOString(),
  };
  db.transaction(
    (tx) => {
      const holder = tx.select().from(runLock).where(eq(runLock.id, 1)).get();
      if (holder !== undefined && options.takeOver !== true)
        refuseIfAlive(holder, me, options.takeOverHint);
      tx.insert(runLock)
        .values({ id: 1, ...me })
        .onConflictDoUpdate({ target: runLock.id, set: me })
        .run();
    },
    { behavior: 'immediate' },
  );

  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (!db.$client.open) return;
    try {
      db.delete(runLock)
        .where(and(eq(runLock.id, 1), eq(runLock.pid, me.pid), eq(runLock.hostname, me.hostname)))
        .run();
    } catch {
      // A full disk or a damaged database cannot record the release; the lock then names a
      // process that has exited, and the next run takes it over. The fault that stopped this
      // run is the one to report, not this one.
    }
  };
  process.on('exit', release);
  return { pid: me.pid, release };
}

type LockHolder = Omit<typeof runLock.$inferSelect, 'id'>;

function refuseIfAlive(holder: LockHolder, me: LockHolder, takeOverHint?: string): void {
  if (holder.hostname !== me.hostname) {
    const ask = takeOverHint === undefined ? '' : `; if it is no longer running: ${takeOverHint}`;
    throw new UserError(
      `another process (pid ${holder.pid} on host ${holder.hostname}) is running this experiment; wait for it or stop it`,
      {
        hint: `it took the run lock at ${holder.acquiredAt}; it cannot be checked from ${me.hostname}${ask}`,
      },
    );
  }
  if (holder.pid === me.pid && holder.processStart === me.processStart) {
    throw new Error(`bug: the run lock is taken twice by one process (pid ${process.pid})`);
  }
  if (isProcessAlive(holder.pid, holder.processStart)) {
    throw new UserError(
      `another process (pid ${holder.pid}) is running this experiment; wait for it or stop it`,
      { hint: `it took the run lock at ${holder.acquiredAt}; to stop it: kill ${holder.pid}` },
    );
  }
}
