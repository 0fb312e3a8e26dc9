import { join } from 'node:path';

// The file name of a run's database inside its run folder (runs/NAME/sentinel.db).
export const RUN_DATABASE_FILE = 'sentinel.db';

// The database of the run in `runDir`.
export function runDatabasePath(runDir: string): string {
  return join(runDir, RUN_DATABASE_FILE);
}
