import { writeFile } from 'node:fs/promises';
import { finalizeScores } from '../../../strategies/finalize-scores.js';
import { resolveStrategy } from '../../../strategies/registry.js';
import { metricsPerLabel } from '../../metrics/label-metrics.js';
import { readLabelMap } from '../../volume/read-label-map.js';
import { assertSameGrid } from '../../volume/same-grid.js';
import type {
  EvaluateJobRequest,
  EvaluateJobResult,
  NodeJobRequest,
  ScoreJobRequest,
  ScoreJobResult,
} from './node-job-request.js';

// Runs one score or evaluate job in this (child) process and writes its result file.
export async function runNodeJob(request: NodeJobRequest): Promise<void> {
  const result =
    request.kind === 'score' ? await runScoreJob(request) : await runEvaluateJob(request);
  await writeFile(request.result, JSON.stringify(result));
}

async function runScoreJob(request: ScoreJobRequest): Promise<ScoreJobResult> {
  const warnings: string[] = [];
  const { strategy } = await resolveStrategy(request.module ?? request.method, process.cwd());
  const raw = await strategy.score(request.cases, {
    classes: request.classes,
    seed: request.seed,
    options: request.options,
    warn: (message) => warnings.push(message),
  });
  return { cases: finalizeScores(raw), warnings };
}

async function runEvaluateJob(request: EvaluateJobRequest): Promise<EvaluateJobResult> {
  const labels = Object.keys(request.classes).map(Number);
  const rows: EvaluateJobResult['rows'] = [];
  for (const c of request.cases) {
    const [prediction, truth] = await Promise.all([
      readLabelMap(c.prediction),
      readLabelMap(c.truth),
    ]);
    assertSameGrid(prediction, truth, [c.prediction, c.truth]);
    const [nx = 1, ny = 1, nz = 1] = truth.dims;
    const metrics = metricsPerLabel(
      prediction.data,
      truth.data,
      [nx, ny, nz],
      truth.spacing,
      labels,
      {
        tolerance: request.nsdToleranceMm,
      },
    );
    for (const label of labels) {
      const m = metrics.get(label);
      const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
      rows.push({
        caseId: c.id,
        organ: request.classes[String(label)]!,
        dsc: finite(m?.dsc),
        nsd: finite(m?.nsd),
      });
    }
  }
  return { rows };
}
