import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { EngineConfig } from '../../src/engine/engine-config.js';
import { runEngine } from '../../src/engine/run-engine.js';
import type { ClassMap } from '../../src/volume/class-map.js';
import entropy from '../../strategies/entropy.js';
import mcDropout from '../../strategies/mc-dropout.js';
import type { CaseScores, PoolCase } from '../../strategies/strategy.js';

// Shared by the engines' fused-uncertainty tests: one checkpoint predicts the same cases twice
// through the real runner (every output checked against the contract), once writing the
// probabilities and T MC samples (the file path), once writing only the fused entropy and
// MC-std maps; then both strategies score each way, on the file run's masks.

// Scores may differ only by the float32 rounding of the per-voxel map and the order of the
// sums: a relative tolerance far below any gap a ranking could turn on.
export const FUSED_TOLERANCE = 1e-6;

export interface FusedComparison {
  files: { entropy: CaseScores[]; mc: CaseScores[] };
  fused: { entropy: CaseScores[]; mc: CaseScores[] };
}

export async function compareFusedWithFiles(options: {
  engine: EngineConfig;
  checkpoint: string;
  cases: { id: string; image: string }[];
  classes: ClassMap;
  dir: string;
  probabilityType: 'float32' | 'uint8';
  samples: number;
}): Promise<FusedComparison> {
  const { engine, checkpoint, cases, classes, dir, probabilityType, samples } = options;
  const predict = async (name: string, save: Record<string, unknown>) => {
    const result = await runEngine(
      engine,
      {
        action: 'predict',
        checkpoint,
        cases,
        classes,
        seed: 7,
        outputDir: join(dir, name, 'out'),
        save: { probabilities: false, mcSamples: 0, probabilityType, ...save },
      },
      { jobDir: join(dir, name) },
    );
    assert.ok(result.ok, result.ok ? '' : `${result.message}\n${result.logTail}`);
    return result.response.outputs;
  };
  const files = await predict(`files-${probabilityType}`, {
    probabilities: true,
    mcSamples: samples,
  });
  const fused = await predict(`fused-${probabilityType}`, {
    entropyMap: true,
    mcStdMap: samples,
  });
  for (const o of fused) assert.equal(o.probabilities ?? o.mcSamples, undefined);
  const mask = (id: string) => files.find((o) => o.id === id)!.mask;
  const pool = (outputs: typeof files): PoolCase[] =>
    outputs.map((o) => ({
      id: o.id,
      image: '',
      mask: mask(o.id),
      ...(o.probabilities ? { probabilities: o.probabilities } : {}),
      ...(o.mcSamples ? { mcSamples: o.mcSamples } : {}),
      ...(o.entropyMap ? { entropyMap: o.entropyMap } : {}),
      ...(o.mcStdMap ? { mcStdMap: o.mcStdMap } : {}),
    }));
  const context = { classes, seed: 7, options: {}, warn: () => {} };
  const score = async (outputs: typeof files) => ({
    entropy: await entropy.score(pool(outputs), context),
    mc: await mcDropout.score(pool(outputs), context),
  });
  return { files: await score(files), fused: await score(fused) };
}

// Asserts every case and organ score of the fused path equals the file path's to the tolerance
// (relative to the magnitude of the score), with the same organs scored; returns the largest
// relative difference seen.
export function assertSameScores(comparison: FusedComparison): number {
  let worst = 0;
  for (const method of ['entropy', 'mc'] as const) {
    const a = comparison.files[method];
    const b = comparison.fused[method];
    assert.equal(a.length, b.length);
    for (const [i, x] of a.entries()) {
      const y = b[i]!;
      assert.equal(y.caseId, x.caseId);
      const pairs: [number | null | undefined, number | null | undefined, string][] = [
        [x.caseScore, y.caseScore, 'case'],
        ...x.organs.map(
          (o, j) =>
            [o.score, y.organs[j]?.score, o.organ] as [
              number | null,
              number | null | undefined,
              string,
            ],
        ),
      ];
      for (const [u, v, what] of pairs) {
        if (u === null || u === undefined) {
          assert.equal(
            v ?? null,
            null,
            `${method} ${x.caseId} ${what}: scored only by the fused path`,
          );
          continue;
        }
        assert.ok(
          typeof v === 'number',
          `${method} ${x.caseId} ${what}: not scored by the fused path`,
        );
        const relative = Math.abs(u - v) / Math.max(Math.abs(u), 1e-12);
        worst = Math.max(worst, relative);
        assert.ok(
          relative <= FUSED_TOLERANCE,
          `${method} ${x.caseId} ${what}: files ${u} vs fused ${v}`,
        );
      }
    }
  }
  // The comparison must not be vacuous: some score is non-zero.
  assert.ok(
    comparison.files.entropy.some((c) => (c.caseScore ?? 0) < 0),
    'every entropy is 0',
  );
  assert.ok(
    comparison.files.mc.some((c) => (c.caseScore ?? 0) < 0),
    'every MC spread is 0',
  );
  return worst;
}
