import { defineCommand } from '../command.js';
import { booleanFlag, stringFlag, text } from '../flags.js';

// `sentinel run-step --run DIR --key KEY`: one job of a detached run, run inside the Slurm
// batch job that `al-run --detach` (or ssl-run) queued for it.
const runStep = defineCommand({
  description: 'Run one job of a detached run in its Slurm job (internal, used by --detach)',
  usage: 'sentinel run-step --run runs/NAME --key train/m0 [--export-worklist]',
  flags: {
    run: stringFlag('DIR', 'the run folder the detached run recorded (required)', text),
    key: stringFlag('KEY', "the job's key in the run's plan (required)", text),
    'export-worklist': booleanFlag('the run was queued with --export-worklist'),
  },
  async run({ flags }) {
    const { holdInterruptHandlers, interruptSignal } = await import(
      '../../executor/process-groups.js'
    );
    const { runDetachedStep } = await import('../../experiment/detach/run-step.js');
    const release = holdInterruptHandlers();
    try {
      return await runDetachedStep({
        runDir: flags.run,
        key: flags.key,
        exportWorklist: flags['export-worklist'],
        signal: interruptSignal(),
      });
    } finally {
      release();
    }
  },
});
export default runStep;
