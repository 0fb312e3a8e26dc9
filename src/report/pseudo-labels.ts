import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { jobDir, jobKeys, m0Tag } from '../db/job-keys.js';
import { phantomClassMap } from '../phantom/organs.js';
import { ClassMap } from '../volume/class-map.js';
import type { RunData } from './load-run.js';

// Where the pool's pseudo labels of one seed are: mask files per case, and the class map that
// says which label value is which organ (null when the run does not say).
export interface PseudoLabels {
  jobKey: string;
  masks: Map<string, string>;
  classes: ClassMap | null;
}

const PredictOutput = z.object({
  cases: z.record(z.string(), z.object({ mask: z.string() })),
});
const RequestClasses = z.object({ classes: ClassMap });
const DemoConfig = z.object({ data: z.object({ demo: z.unknown() }) });

// Finds the pool predict job that made the pseudo labels scored under `seed` (the per-seed M0
// job when M0 was repeated, else the shared one); undefined when it is not done.
export function findPseudoLabels(run: RunData, seed: number): PseudoLabels | undefined {
  const keys = [jobKeys.predictPool(m0Tag(true, seed)), jobKeys.predictPool(m0Tag(false, seed))];
  for (const key of keys) {
    const job = run.jobs.find((j) => j.key === key && j.status === 'done');
    if (job === undefined) continue;
    const output = PredictOutput.safeParse(job.output);
    if (!output.success) continue;
    const folder = jobDir(run.dir, key);
    const masks = new Map(
      Object.entries(output.data.cases).map(([caseId, c]) => [caseId, resolve(folder, c.mask)]),
    );
    return { jobKey: key, masks, classes: readClasses(run, folder) };
  }
  return undefined;
}

// The class map the predict job was asked for (its request.json), or the phantoms' for a demo run.
function readClasses(run: RunData, folder: string): ClassMap | null {
  const request = join(folder, 'request.json');
  if (existsSync(request)) {
    try {
      const parsed = RequestClasses.safeParse(JSON.parse(readFileSync(request, 'utf8')));
      if (parsed.success) return parsed.data.classes;
    } catch {
      // An unreadable request leaves the fallbacks below.
    }
  }
  return DemoConfig.safeParse(run.experiment.config).success ? phantomClassMap() : null;
}

// The label value of an organ in a class map, or undefined.
export function organLabelValue(classes: ClassMap | null, organ: string): number | undefined {
  if (classes === null) return undefined;
  const entry = Object.entries(classes).find(([, name]) => name === organ);
  return entry === undefined ? undefined : Number(entry[0]);
}
