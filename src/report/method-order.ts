import { z } from 'zod';
import { BASELINE_METHOD } from '../db/schema.js';
import type { RunData } from './load-run.js';

// The parts of a recorded experiment config a report reads; anything else is ignored, and a
// config that does not have them (an older or foreign run) gives empty lists.
// al-run/ssl-run record the effective budgets (flags applied) at the top level.
const RecordedConfig = z.object({
  methods: z.array(z.string()).catch([]).default([]),
  budgets: z.array(z.number()).optional().catch(undefined),
  al: z
    .object({ budgets: z.array(z.number()).catch([]).default([]) })
    .catch({ budgets: [] })
    .optional(),
  ssl: z
    .object({ topk: z.array(z.number()).catch([]).default([]) })
    .catch({ topk: [] })
    .optional(),
});

// What the run was asked to do: the methods in the order given, and the budgets (AL) or top-K
// values (SSL).
export function plannedRun(run: RunData): { methods: string[]; budgets: number[] } {
  const parsed = RecordedConfig.safeParse(run.experiment.config);
  if (!parsed.success) return { methods: [], budgets: [] };
  const fromFile =
    run.experiment.kind === 'al' ? (parsed.data.al?.budgets ?? []) : (parsed.data.ssl?.topk ?? []);
  const budgets = parsed.data.budgets ?? fromFile;
  return { methods: parsed.data.methods, budgets };
}

// Orders method names as the report shows them: M0 first, then the config's order, then any
// other method by name, the oracle last.
export function orderMethods(run: RunData, methods: readonly string[]): string[] {
  const planned = plannedRun(run).methods;
  const rank = (m: string) => {
    if (m === BASELINE_METHOD) return -1;
    if (m === 'oracle') return 1e6;
    const i = planned.indexOf(m);
    return i === -1 ? planned.length : i;
  };
  return [...new Set(methods)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
