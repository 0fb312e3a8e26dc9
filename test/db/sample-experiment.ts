import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentInput } from '../../src/db/experiments.js';
import { CASE_LEVEL_ORGAN } from '../../src/db/schema.js';
import type { ScoreInput } from '../../src/db/scores.js';

// A fixed experiment record for database tests.
export function sampleExperiment(overrides: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    name: 'demo',
    kind: 'al',
    config: { budget: [20], methods: ['qs', 'random'], seeds: [0, 1] },
    configHash: 'c0ffee',
    codeVersion: '0.1.0',
    modelHashes: { 'qs/model.onnx': 'aa11' },
    engineName: 'reference',
    engineVersion: '1',
    ...overrides,
  };
}

// A fresh temporary folder and the path of a database file inside it.
export function tempDatabasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'sentinel-db-')), 'sentinel.db');
}

// Scores of every case for one method: the case-level row and `organs` organ rows.
export function scoreRows(
  experimentId: number,
  method: string,
  cases: number,
  organs: number,
): ScoreInput[] {
  const rows: ScoreInput[] = [];
  for (let c = 0; c < cases; c += 1) {
    const caseId = `case${String(c).padStart(4, '0')}`;
    rows.push({ experimentId, method, seed: 0, caseId, organ: CASE_LEVEL_ORGAN, value: c / cases });
    for (let o = 0; o < organs; o += 1) {
      rows.push({ experimentId, method, seed: 0, caseId, organ: `organ${o}`, value: o / organs });
    }
  }
  return rows;
}
