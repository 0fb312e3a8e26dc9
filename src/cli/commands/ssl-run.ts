import { defineCommand } from '../command.js';
import { experimentFlags, sharedExperimentFlags } from '../experiment-flags.js';
import { commaList, stringFlag, wholeNumber } from '../flags.js';

// `ssl-run`: semi-supervised learning, each method keeps its K best-scored pseudo labels,
// fine-tunes on them with the labeled set, and evaluates.
const sslRun = defineCommand({
  description:
    'Semi-supervised learning: self-train on the K highest-quality pseudo labels per method, evaluate',
  usage:
    'ssl-run [--topk 20 | --topk 10,20] [--config configs/demo.yaml] [--methods qs,entropy,mc-dropout,random] [--seeds 5 | --seed-list 0,1,2] [--out runs/NAME] [--detach] [--force]',
  flags: {
    topk: stringFlag(
      'K[,K...]',
      "best-scored pseudo labels each method self-trains on, one K or several (default: the config's ssl.topk)",
      commaList(wholeNumber(1)).optional(),
    ),
    ...experimentFlags,
  },
  async run({ flags }) {
    const { runExperimentCommand } = await import('../../experiment/experiment-command.js');
    return runExperimentCommand('ssl', { ...sharedExperimentFlags(flags), budgets: flags.topk });
  },
});
export default sslRun;
