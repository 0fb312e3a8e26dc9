import { defineCommand } from '../command.js';
import { experimentFlags, sharedExperimentFlags } from '../experiment-flags.js';
import { booleanFlag, commaList, stringFlag, wholeNumber } from '../flags.js';

// `al-run`: active learning, each method sends its N worst-scored pool cases to (simulated)
// human revision, then fine-tunes and evaluates; or, with --export-worklist, stops at the lists.
const alRun = defineCommand({
  description:
    'Active learning: revise the N lowest-quality pseudo labels per method, fine-tune, evaluate',
  usage:
    'al-run [--budget 20 | --budget 5,10,15,20] [--rounds 3] [--config configs/demo.yaml] [--methods qs,entropy,mc-dropout,random] [--seeds 5 | --seed-list 0,1,2] [--out runs/NAME] [--export-worklist] [--detach] [--force]',
  flags: {
    budget: stringFlag(
      'N[,N...]',
      "labels each method sends to revision, one budget or several (default: the config's al.budgets)",
      commaList(wholeNumber(1)).optional(),
    ),
    rounds: stringFlag(
      'R',
      "active-learning rounds: each re-scores the rest of the pool with the last round's model and revises N more (default: the config's al.rounds, or 1)",
      wholeNumber(1).optional(),
    ),
    ...experimentFlags,
    'export-worklist': booleanFlag(
      "stop once each method's revision worklist is written (no revision, fine-tuning or evaluation)",
    ),
  },
  async run({ flags }) {
    const { runExperimentCommand } = await import('../../experiment/experiment-command.js');
    return runExperimentCommand('al', {
      ...sharedExperimentFlags(flags),
      budgets: flags.budget,
      rounds: flags.rounds,
      exportWorklist: flags['export-worklist'],
    });
  },
});
export default alRun;
