import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// The attempt folder of a job whose first Slurm submission was `firstId`, found from what the
// submission recorded (slurm/submit-0.id, written beside its tasks) rather than from Slurm: for
// a job Slurm no longer knows (ended more than MinJobAge ago). The attempt folders of the job
// whose final folder is `jobDir` are `jobDir`.partial-PID-N. Undefined when none recorded it.
export async function findRecordedAttempt(
  jobDir: string,
  firstId: string,
): Promise<string | undefined> {
  const parent = dirname(jobDir);
  const prefix = `${basename(jobDir)}.partial-`;
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    const dir = join(parent, name);
    const id = await readFile(join(dir, 'slurm', 'submit-0.id'), 'utf8').catch(() => '');
    if (id.trim() === firstId) return dir;
  }
  return undefined;
}
