// qs:evaluate (scorer half): scores the cases that tools/qs/training/evaluate_model.py prepared
// through the TypeScript QS path (src/qs) and prints the model card's figures, computed with
// src/metrics: on held-out phantoms, Pearson r, Spearman rho, MAP@5 and MAP@10 of organ score
// vs true 3D Dice; on the real CT, the share of organs whose score falls with every further
// erosion / dilation step, and Pearson r of score vs Dice over each series.
//
//   node dist/bench/qs-model-quality.js --bundle DIR --items ITEMS.json [--out RESULTS.json]
//
// Usually run by `npm run qs:evaluate -- --bundle DIR --work DIR`, which writes ITEMS.json.

import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { meanAveragePrecisionAtK, pearson, spearman } from '../src/metrics/index.js';
import { loadBundle } from '../src/qs/bundle.js';
import { caseFromLabelMap, caseFromSegmentations } from '../src/qs/case-sources.js';
import { scoreAllCases } from '../src/qs/score-cases.js';
import { openQsSession } from '../src/qs/session.js';
import type { QsCaseSource } from '../src/qs/slice-batches.js';

interface ItemCase {
  id: string;
  image: string;
  segmentations?: string;
  labels?: string;
  classMap?: Record<string, string>;
}

interface TruthRow {
  caseId: string;
  organ: string;
  group: string;
  dice: number | null;
  kind?: string;
  radius?: number;
  source?: string;
}

interface Scored extends TruthRow {
  score: number | null;
}

const { values: opts } = parseArgs({
  options: { bundle: { type: 'string' }, items: { type: 'string' }, out: { type: 'string' } },
});
if (!opts.bundle || !opts.items) {
  process.stderr.write(
    'usage: qs-model-quality.js --bundle DIR --items ITEMS.json [--out RESULTS.json]\n',
  );
  process.exit(2);
}

async function* caseSources(cases: ItemCase[]): AsyncGenerator<QsCaseSource> {
  for (const c of cases) {
    if (c.segmentations) yield await caseFromSegmentations(c.id, c.image, c.segmentations);
    else if (c.labels && c.classMap)
      yield await caseFromLabelMap(c.id, c.image, c.labels, c.classMap);
    else throw new Error(`case ${c.id} has neither segmentations nor labels + classMap`);
  }
}

// Organ-level agreement of score and true Dice: pooled correlations and MAP@k with one group
// per organ class (the worst pseudo labels of each organ found first?) and one pooled group.
function agreement(rows: Scored[]) {
  const usable = rows.filter((r) => r.score !== null && r.dice !== null && !Number.isNaN(r.dice));
  const scores = usable.map((r) => r.score as number);
  const truth = usable.map((r) => r.dice as number);
  const organs = [...new Set(usable.map((r) => r.organ))];
  const byOrgan = organs.map((organ) => {
    const mine = usable.filter((r) => r.organ === organ);
    return { scores: mine.map((r) => r.score as number), truth: mine.map((r) => r.dice as number) };
  });
  const pooled = [{ scores, truth }];
  return {
    organs: usable.length,
    unscored: rows.length - usable.length,
    pearson: pearson(scores, truth),
    spearman: spearman(scores, truth),
    map5: meanAveragePrecisionAtK(byOrgan, 5),
    map10: meanAveragePrecisionAtK(byOrgan, 10),
    map5Pooled: meanAveragePrecisionAtK(pooled, 5),
    map10Pooled: meanAveragePrecisionAtK(pooled, 10),
    meanAbsError:
      usable.reduce((s, r) => s + Math.abs((r.score as number) - (r.dice as number)), 0) /
      Math.max(1, usable.length),
  };
}

// Per organ and kind: the scores at radius 0 (original), 1, 2, ...; "falls" when every step
// with a score is strictly lower than the one before (at least one step scored).
function monotonicity(rows: Scored[], kind: 'erosion' | 'dilation') {
  const organs = [...new Set(rows.map((r) => r.organ))].sort();
  const series = organs.map((organ) => {
    const points = rows
      .filter((r) => r.organ === organ && (r.kind === kind || r.kind === 'original'))
      .sort((a, b) => (a.radius ?? 0) - (b.radius ?? 0))
      .filter((r) => r.score !== null);
    const scores = points.map((p) => p.score as number);
    const falls =
      scores.length >= 2 && scores.every((s, i) => i === 0 || s < (scores[i - 1] as number));
    const lastBelowFirst = scores.length >= 2 && (scores.at(-1) as number) < (scores[0] as number);
    return {
      organ,
      radii: points.map((p) => p.radius ?? 0),
      scores,
      dice: points.map((p) => p.dice),
      falls,
      lastBelowFirst,
    };
  });
  const withSteps = series.filter((s) => s.scores.length >= 2);
  const steps = withSteps.flatMap((s) =>
    s.scores.slice(1).map((v, i) => v < (s.scores[i] as number)),
  );
  const usable = rows.filter(
    (r) => (r.kind === kind || r.kind === 'original') && r.score !== null && r.dice !== null,
  );
  return {
    organs: withSteps.length,
    fallingShare: withSteps.filter((s) => s.falls).length / Math.max(1, withSteps.length),
    lastBelowOriginalShare:
      withSteps.filter((s) => s.lastBelowFirst).length / Math.max(1, withSteps.length),
    fallingStepShare: steps.filter(Boolean).length / Math.max(1, steps.length),
    steps: steps.length,
    pearsonScoreVsDice: pearson(
      usable.map((r) => r.score as number),
      usable.map((r) => r.dice as number),
    ),
    series,
  };
}

const fmt = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));

async function main(): Promise<void> {
  const items = JSON.parse(await readFile(opts.items as string, 'utf8')) as {
    cases: ItemCase[];
    truth: TruthRow[];
  };
  const bundle = await loadBundle(opts.bundle as string);
  const session = await openQsSession(bundle);
  const started = performance.now();
  const results = await scoreAllCases(bundle, session, caseSources(items.cases));
  await session.dispose();
  const seconds = (performance.now() - started) / 1000;
  const scores = new Map<string, number | null>();
  for (const c of results)
    for (const o of c.organs) scores.set(`${c.caseId}\u0000${o.organ}`, o.score);
  const rows: Scored[] = items.truth.map((t) => ({
    ...t,
    score: scores.get(`${t.caseId}\u0000${t.organ}`) ?? null,
  }));

  const report: Record<string, unknown> = {
    bundle: bundle.manifest.name,
    cases: items.cases.length,
    scoringSeconds: seconds,
  };
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `QS model ${bundle.manifest.name} (${bundle.manifest.backbone}@${bundle.manifest.inputSize}); ${items.cases.length} cases scored in ${seconds.toFixed(1)} s`,
  );
  const phantomGroups = [
    ...new Set(rows.filter((r) => r.group.startsWith('phantom:')).map((r) => r.group)),
  ];
  if (phantomGroups.length > 0) {
    const sets: Record<string, ReturnType<typeof agreement>> = {};
    for (const group of [...phantomGroups, 'phantom:all']) {
      const mine = rows.filter((r) =>
        group === 'phantom:all' ? r.group.startsWith('phantom:') : r.group === group,
      );
      const a = agreement(mine);
      sets[group] = a;
      out(
        `${group}: ${a.organs} organs (${a.unscored} without score): Pearson r ${fmt(a.pearson)}, Spearman rho ${fmt(a.spearman)}, ` +
          `MAP@5 ${fmt(a.map5)}, MAP@10 ${fmt(a.map10)} (per organ class; pooled ${fmt(a.map5Pooled)} / ${fmt(a.map10Pooled)}), MAE ${fmt(a.meanAbsError)}`,
      );
    }
    report.phantoms = sets;
  }
  const ctRows = rows.filter((r) => r.group === 'ct');
  if (ctRows.length > 0) {
    const erosion = monotonicity(ctRows, 'erosion');
    const dilation = monotonicity(ctRows, 'dilation');
    for (const [kind, m] of [
      ['erosion', erosion],
      ['dilation', dilation],
    ] as const) {
      out(
        `real CT ${kind}: score falls with every step for ${(m.fallingShare * 100).toFixed(0)}% of ${m.organs} organs ` +
          `(last step below the original: ${(m.lastBelowOriginalShare * 100).toFixed(0)}%; ${(m.fallingStepShare * 100).toFixed(0)}% of ${m.steps} single steps lower); ` +
          `Pearson r score vs Dice ${fmt(m.pearsonScoreVsDice)}`,
      );
      for (const s of m.series) {
        out(
          `  ${s.organ.padEnd(20)} ${s.falls ? 'falls' : 'NOT  '} ${s.scores.map((v, i) => `r${s.radii[i]} ${v.toFixed(3)} (Dice ${s.dice[i]?.toFixed(3) ?? 'n/a'})`).join('  ')}`,
        );
      }
    }
    report.realCt = { erosion, dilation };
  }
  report.rows = rows;
  if (opts.out) await writeFile(opts.out, `${JSON.stringify(report, null, 1)}\n`);
}

await main();
