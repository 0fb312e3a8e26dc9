import { experimentOptions, runExperimentCommand } from '../../experiment/experiment-command.js';
import type { Command } from '../command.js';

// `al-run`: active learning, each method sends its N worst-scored pool cases to (simulated)
// human revision, then fine-tunes and evaluates; or, with --export-worklist, stops at the lists.
const alRun: Command = {
  description:
    'Active learning: revise the N lowest-quality pseudo labels per method, fine-tune, evaluate',
  usage:
    'al-run [--budget 20 | --budget 5,10,15,20] [--config configs/demo.yaml] [--methods qs,entropy,mc-dropout,random] [--seeds 5 | --seed-list 0,1,2] [--out runs/NAME] [--export-worklist] [--force]',
  options: experimentOptions('budget'),
  run: (args) => runExperimentCommand('al', args),
};
export default alRun;
