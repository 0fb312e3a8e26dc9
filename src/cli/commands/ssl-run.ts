import { experimentOptions, runExperimentCommand } from '../../experiment/experiment-command.js';
import type { Command } from '../command.js';

// `ssl-run`: semi-supervised learning, each method keeps its K best-scored pseudo labels,
// fine-tunes on them with the labeled set, and evaluates.
const sslRun: Command = {
  description:
    'Semi-supervised learning: self-train on the K highest-quality pseudo labels per method, evaluate',
  usage:
    'ssl-run [--topk 20 | --topk 10,20] [--config configs/demo.yaml] [--methods qs,entropy,mc-dropout,random] [--seeds 5 | --seed-list 0,1,2] [--out runs/NAME] [--force]',
  options: experimentOptions('topk'),
  run: (args) => runExperimentCommand('ssl', args),
};
export default sslRun;
