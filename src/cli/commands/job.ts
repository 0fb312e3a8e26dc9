import { readFile } from 'node:fs/promises';
import { UserError } from '../../errors.js';
import { defineCommand } from '../command.js';
import { stringFlag, text } from '../flags.js';

// `sentinel job --request FILE`: runs one score or evaluate job of an experiment in its own
// process, so that its time and memory are metered like an engine's. Used by al-run/ssl-run.
const job = defineCommand({
  description: 'Run one score or evaluate job of an experiment (internal, used by al-run/ssl-run)',
  usage: 'sentinel job --request FILE',
  flags: {
    request: stringFlag(
      'FILE',
      'the job request (JSON) written by al-run or ssl-run (required)',
      text,
    ),
  },
  async run({ flags }) {
    const path = flags.request;
    const { NodeJobRequest } = await import('../../experiment/jobs/node-job-request.js');
    const { runNodeJob } = await import('../../experiment/jobs/run-node-job.js');
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new UserError(`job request ${path} cannot be read: ${(error as Error).message}`);
    }
    const parsed = NodeJobRequest.safeParse(raw);
    if (!parsed.success) {
      throw new UserError(`job request ${path} is not valid: ${parsed.error.issues[0]?.message}`);
    }
    await runNodeJob(parsed.data);
    return 0;
  },
});
export default job;
