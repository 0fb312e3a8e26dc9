import type { ExperimentFlags } from '../experiment/resolve-settings.js';
import type { FlagValues } from './command.js';
import { booleanFlag, distinctList, stringFlag, text, wholeNumber } from './flags.js';

// The flags al-run and ssl-run share (each adds its own --budget or --topk).
export const experimentFlags = {
  config: stringFlag(
    'FILE',
    'experiment config (YAML): data, engine, methods, seeds (default: the embedded demo, configs/demo.yaml)',
    text.optional(),
  ),
  methods: stringFlag(
    'M[,M...]',
    "methods to compare, from qs, entropy, mc-dropout, random, oracle, or the path of a strategy module (.js/.mjs; docs/strategies.md) (default: the config's methods)",
    distinctList(text).optional(),
  ),
  seeds: stringFlag(
    'N',
    "run seeds 0..N-1 (default: the config's seeds)",
    wholeNumber(1).optional(),
  ),
  'seed-list': stringFlag(
    'S[,S...]',
    'run exactly these seeds (instead of --seeds)',
    distinctList(wholeNumber(0)).optional(),
  ),
  out: stringFlag(
    'DIR',
    'run folder: its database, jobs and report; a rerun resumes it (default: runs/<config name>-al or -ssl)',
    text.optional(),
  ),
  detach: booleanFlag(
    'Slurm only: queue the whole run at once (each job waits for its inputs, afterok) and exit; the same command without --detach follows it and prints the table',
  ),
  force: booleanFlag(
    'discard the results recorded in --out when the config or flags changed, and start over',
  ),
};

// The shared flags' values as the experiment takes them.
export function sharedExperimentFlags(flags: FlagValues<typeof experimentFlags>): ExperimentFlags {
  return {
    config: flags.config,
    methods: flags.methods,
    seeds: flags.seeds,
    seedList: flags['seed-list'],
    out: flags.out,
    detach: flags.detach,
    force: flags.force,
  };
}
