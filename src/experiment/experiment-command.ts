import type { CommandArgs, CommandOption } from '../cli/command.js';
import { UserError } from '../errors.js';
import {
  holdInterruptHandlers,
  interruptSignal,
  interruptedBy,
  signalExitCode,
} from '../executor/process-groups.js';
import { printComparison } from './print-comparison.js';
import { resolveSettings } from './resolve-settings.js';
import { runExperiment } from './run-experiment.js';

// The flags al-run and ssl-run share; `budgetFlag` is --budget (AL) or --topk (SSL).
export function experimentOptions(budgetFlag: 'budget' | 'topk'): Record<string, CommandOption> {
  const budget: CommandOption =
    budgetFlag === 'budget'
      ? {
          type: 'string',
          value: 'N[,N...]',
          help: "labels each method sends to revision, one budget or several (default: the config's al.budgets)",
        }
      : {
          type: 'string',
          value: 'K[,K...]',
          help: "best-scored pseudo labels each method self-trains on, one K or several (default: the config's ssl.topk)",
        };
  return {
    config: {
      type: 'string',
      value: 'FILE',
      help: 'experiment config (YAML): data, engine, methods, seeds (default: the embedded demo, configs/demo.yaml)',
    },
    methods: {
      type: 'string',
      value: 'M[,M...]',
      help: "methods to compare, from qs, entropy, mc-dropout, random, oracle (default: the config's methods)",
    },
    seeds: { type: 'string', value: 'N', help: "run seeds 0..N-1 (default: the config's seeds)" },
    'seed-list': {
      type: 'string',
      value: 'S[,S...]',
      help: 'run exactly these seeds (instead of --seeds)',
    },
    [budgetFlag]: budget,
    out: {
      type: 'string',
      value: 'DIR',
      help: `run folder: its database, jobs and report; a rerun resumes it (default: runs/<config name>-${budgetFlag === 'budget' ? 'al' : 'ssl'})`,
    },
    force: {
      type: 'boolean',
      help: 'discard the results recorded in --out when the config or flags changed, and start over',
    },
    ...(budgetFlag === 'budget'
      ? {
          'export-worklist': {
            type: 'boolean' as const,
            help: "stop once each method's revision worklist is written (no revision, fine-tuning or evaluation)",
          },
        }
      : {}),
  };
}

// Runs al-run or ssl-run: settings, the experiment, then the comparison table.
export async function runExperimentCommand(
  kind: 'al' | 'ssl',
  { values }: CommandArgs,
): Promise<number> {
  const text = (key: string) =>
    typeof values[key] === 'string' ? (values[key] as string) : undefined;
  const { settings, dataset, modelHashes } = await resolveSettings(kind, {
    config: text('config'),
    methods: text('methods'),
    seeds: text('seeds'),
    seedList: text('seed-list'),
    budgets: text(kind === 'al' ? 'budget' : 'topk'),
    out: text('out'),
    exportWorklist: values['export-worklist'] === true,
    force: values.force === true,
  });
  process.stderr.write(
    `${kind === 'al' ? 'active learning' : 'semi-supervised learning'}: ${settings.methods.join(', ')} x ${settings.seeds.length} seed(s), ` +
      `${kind === 'al' ? 'budget' : 'top-k'} ${settings.budgets.join(', ')}; ${dataset.labeled.length} labeled, ${dataset.pool.length} pool, ${dataset.test.length} test cases; run folder ${settings.runDir}\n`,
  );
  const release = holdInterruptHandlers();
  try {
    const outcome = await runExperiment(settings, dataset, modelHashes, interruptSignal());
    const interrupted = interruptedBy();
    if (interrupted) {
      process.stderr.write(
        `stopped by ${interrupted}; what finished is recorded. Run the same command again to resume.\n`,
      );
      return signalExitCode(interrupted);
    }
    if (outcome.worklists.length > 0) {
      process.stdout.write(
        `worklists for annotators:\n${outcome.worklists.map((w) => `  ${w}`).join('\n')}\n`,
      );
    } else {
      printComparison(settings.runDir);
    }
    if (outcome.failedJobs.length > 0) {
      const lines = outcome.failedJobs.map(
        (f) => `  ${f.key}: ${f.message}\n    log: ${f.logPath}`,
      );
      const skipped =
        outcome.skippedJobs.length > 0
          ? `\nskipped because of them: ${outcome.skippedJobs.length} job(s)`
          : '';
      throw new UserError(
        `${outcome.failedJobs.length} job(s) failed:\n${lines.join('\n')}${skipped}`,
        {
          hint: 'fix the cause (see the logs), then run the same command again: finished jobs are kept',
          exitCode: 1,
        },
      );
    }
    process.stderr.write(
      `results: ${outcome.databasePath} (sentinel report --run ${settings.runDir})\n`,
    );
    return 0;
  } finally {
    release();
  }
}
