import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { queryRun, tinyExperiment } from '../../experiment/tiny-config.js';

const wrappedEngine = fileURLToPath(
  new URL('../../../../test/executor/slurm/fixtures/wrapped-engine.js', import.meta.url),
);

// The tiny test experiment (test/experiment/tiny-config.ts) run through Slurm: pool predictions
// and scores in array tasks of 2 cases, squeue polled every 0.2 s. `engineEnv` switches the
// reference engine to the wrapped one (fixtures/wrapped-engine.js) with that environment.
export async function slurmExperiment(
  name: string,
  options: { engineEnv?: Record<string, string>; executor?: string } = {},
): Promise<{ dir: string; config: string; localConfig: string }> {
  const { dir, config } = await tinyExperiment(name);
  const text = await readFile(config, 'utf8');
  const localConfig = config.replace(/\.yaml$/, '-local.yaml');
  await writeFile(localConfig, text);
  let slurm = text.replace(
    /^executor:.*$/m,
    `executor: { kind: slurm, pollSeconds: 0.2, shardSize: 2, maxParallel: 4, maxAttempts: 2${options.executor ?? ''} }`,
  );
  if (options.engineEnv) {
    slurm = slurm.replace(
      /^ {2}command: .*$/m,
      `  command: ["{node}", ${JSON.stringify(wrappedEngine)}, "{package}/dist/engines/reference/main.js", "{action}", "--request", "{request}"]\n  env: ${JSON.stringify(options.engineEnv)}`,
    );
  }
  await writeFile(config, slurm);
  return { dir, config, localConfig };
}

// What a run recorded that its results are: scores, selections, Dice and NSD, in one order.
export const runResults = (db: string) => ({
  metrics: queryRun(
    db,
    'select method, seed, budget, round, case_id, organ, dsc, nsd from metrics order by 1, 2, 3, 4, 5, 6',
  ),
  scores: queryRun(
    db,
    'select method, seed, round, budget, case_id, organ, value, slices from scores order by 1, 2, 3, 4, 5, 6',
  ),
  selections: queryRun(
    db,
    'select method, seed, budget, round, case_id, rank from selections order by 1, 2, 3, 4, 6',
  ),
});
