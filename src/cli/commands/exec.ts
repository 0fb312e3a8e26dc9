import { readFile } from 'node:fs/promises';
import { UserError } from '../../errors.js';
import { defineCommand } from '../command.js';
import { stringFlag, text, wholeNumber } from '../flags.js';

// `sentinel exec --tasks FILE [--index N]`: runs one task of a batch job through the local
// process runner, so that the meter runs inside the job, and writes the task's status (exit,
// cost) to the file the task names. Internal: the Slurm executor's batch scripts call it.
const exec = defineCommand({
  description: 'Run one metered task of a batch job (internal, used by the Slurm executor)',
  usage: 'sentinel exec --tasks FILE [--index N]   (N defaults to $SLURM_ARRAY_TASK_ID, else 0)',
  flags: {
    tasks: stringFlag('FILE', "the batch job's task list (JSON, required)", text),
    index: stringFlag(
      'N',
      'the task to run (default: $SLURM_ARRAY_TASK_ID, else 0)',
      wholeNumber().optional(),
    ),
  },
  async run({ flags }) {
    const path = flags.tasks;
    const index = flags.index ?? Number(process.env.SLURM_ARRAY_TASK_ID ?? '0');
    const { ExecTaskList, writeExecStatus } = await import('../../executor/slurm/exec-task.js');
    const { runProcess } = await import('../../executor/run-process.js');
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new UserError(`task file ${path} cannot be read: ${(error as Error).message}`);
    }
    const tasks = ExecTaskList.safeParse(raw);
    if (!tasks.success)
      throw new UserError(`task file ${path} is not valid: ${tasks.error.issues[0]?.message}`);
    const task = Number.isInteger(index) ? tasks.data[index] : undefined;
    if (!task) throw new UserError(`task file ${path} has no task ${index}`);
    const { status, ...options } = task;
    const result = await runProcess(options);
    await writeExecStatus(status, result);
    if (result.ok) return 0;
    return result.exitCode !== undefined && result.exitCode > 0 ? result.exitCode : 1;
  },
});
export default exec;
